import { routeTemplate } from '@m2m-auth/core';
import type { Request } from 'express';

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
  const fill = routeTemplate(template, 'fromRoute');
  return (req) => fill(req.params);
}
