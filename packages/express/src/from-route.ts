import { ConfigurationError } from '@m2m-auth/core';
import type { Request } from 'express';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * A requirement filled from the route parameters, for `requireScope` and `requirePermission`: each
 * `{name}` placeholder is replaced by `req.params[name]`; other braces are kept. A route without that
 * parameter is a programming error, passed to `next(err)` (a 500), never a pass.
 *
 * @param template E.g. `'project-{id}'` for `/v1/projects/:id/tables`.
 * @throws ConfigurationError when `template` is not a non-empty string with a placeholder.
 * @example
 * ```ts
 * app.get('/v1/projects/:id/tables', requireScope(fromRoute('project-{id}')), listTables);
 * ```
 */
export function fromRoute(template: string): (req: Request) => string {
  if (typeof template !== 'string' || template.trim() === '' || !template.match(PLACEHOLDER)) {
    throw new ConfigurationError('fromRoute: template must be a string with a {name} placeholder');
  }
  return (req) =>
    template.replace(PLACEHOLDER, (_match, name: string) => {
      const value: unknown = (req.params as Record<string, unknown> | undefined)?.[name];
      if (typeof value !== 'string' || value === '') {
        throw new ConfigurationError(`fromRoute: the route has no parameter '${name}' for '${template}'`);
      }
      return value;
    });
}
