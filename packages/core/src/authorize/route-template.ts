import { ConfigurationError } from '../errors.js';

/** Route parameters as the framework parsed them, e.g. `{ id: '45c0' }` for `/projects/:id/tables`. */
export type RouteParams = Readonly<Record<string, unknown>>;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HAS_PLACEHOLDER = /\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * Fills each `{name}` placeholder of `template` with the route parameter `name`; other braces are kept.
 * A route without that parameter (or with it empty) is a programming error, never a pass.
 *
 * @param origin The middleware, guard or decorator that declared the template, for the message.
 * @throws ConfigurationError naming `origin`, the parameter and the template.
 * @example
 * ```ts
 * fillRouteTemplate('project-{id}', { id: '45c0' }, 'RequireScope'); // 'project-45c0'
 * ```
 */
export function fillRouteTemplate(template: string, params: RouteParams | undefined, origin: string): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = params?.[name];
    if (typeof value !== 'string' || value === '') {
      throw new ConfigurationError(`${origin}: the route has no parameter '${name}' for '${template}'`);
    }
    return value;
  });
}

/**
 * Checks a route template once and returns what fills it per request (see {@link fillRouteTemplate}).
 *
 * @throws ConfigurationError naming `origin` when `template` is not a non-empty string with a `{name}`
 *   placeholder.
 * @example
 * ```ts
 * const scopeOf = routeTemplate('project-{id}', 'fromRoute');
 * scopeOf({ id: '45c0' }); // 'project-45c0'
 * ```
 */
export function routeTemplate(
  template: unknown,
  origin: string,
): (params: RouteParams | undefined) => string {
  if (typeof template !== 'string' || template.trim() === '' || !HAS_PLACEHOLDER.test(template)) {
    throw new ConfigurationError(`${origin}: template must be a string with a {name} placeholder`);
  }
  return (params) => fillRouteTemplate(template, params, origin);
}
