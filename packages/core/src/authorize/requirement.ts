import { ConfigurationError } from '../errors.js';
import { optionsObject } from '../lib/options.js';
import {
  checkFixedValue,
  isValueList,
  matchMode,
  type MatchMode,
  type RequirementKind,
} from './required-values.js';
import { fillRouteTemplate, type RouteParams } from './route-template.js';

/**
 * One required scope or permission, as declared: a fixed value (`'AdministerClients'`), which the Nest
 * adapter also reads as a template filled from the route parameters (`'project-{id}'`); or a function
 * of the request (its arguments are the adapter's: `(req)` in Express, `(request, context)` in Nest)
 * returning one value or several.
 *
 * @example
 * ```ts
 * const scope: RequirementValue<[{ params: { id: string } }]> = (req) => `project-${req.params.id}`;
 * ```
 */
export type RequirementValue<Args extends readonly unknown[] = readonly unknown[]> =
  string | ((...args: Args) => string | readonly string[]);

/**
 * Options of a requirement.
 *
 * @example
 * ```ts
 * const options: RequirementOptions = { mode: 'any' };
 * ```
 */
export interface RequirementOptions {
  /** Whether every listed value is required (`all`) or one is enough (`any`). Default is `all`. */
  mode?: MatchMode;
}

/**
 * A requirement, checked once when declared ({@link defineRequirement}) and resolved per request
 * ({@link resolveRequirement}): what the adapters' middleware, guards and decorators hold.
 *
 * @example
 * ```ts
 * const admin: Requirement = { kind: 'permission', values: ['AdministerClients'], mode: 'all', origin: 'audit' };
 * ```
 */
export interface Requirement<Args extends readonly unknown[] = readonly unknown[]> {
  readonly kind: RequirementKind;
  readonly values: readonly RequirementValue<Args>[];
  readonly mode: MatchMode;
  /** The middleware, guard or decorator that declared it, for error messages. */
  readonly origin: string;
}

/**
 * Checks a requirement when it is declared and returns it, frozen: at least one value; each a function,
 * or a non-empty string without whitespace; `options` an object whose `mode` is `all` or `any`.
 *
 * @param origin The middleware, guard or decorator declaring it (`'requireScope'`, `'@Scopes'`).
 * @throws ConfigurationError naming `origin` and what is wrong.
 * @example
 * ```ts
 * const requirement = defineRequirement('scope', 'requireScope', ['tables:read', 'tables:admin'], { mode: 'any' });
 * ```
 */
export function defineRequirement<Args extends readonly unknown[]>(
  kind: RequirementKind,
  origin: string,
  values: readonly RequirementValue<Args>[],
  options?: RequirementOptions,
): Requirement<Args> {
  optionsObject(options, `${origin}: options`);
  const mode = matchMode(options?.mode ?? 'all', `${origin}: options.mode`);
  if (values.length === 0) {
    throw new ConfigurationError(
      `${origin}: name at least one ${kind} (a non-empty string, a non-empty array of them, or a function)`,
    );
  }
  // Checked as unknown: JavaScript callers, and adapters passing their arguments on, may pass anything.
  for (const value of values as readonly unknown[]) {
    if (typeof value !== 'function') checkFixedValue(value, origin, kind);
  }
  return Object.freeze({
    kind,
    values: Object.freeze([...values]),
    mode,
    origin,
  });
}

/**
 * The values one request must satisfy: functions called with `args`, their results checked (an empty
 * result is a programming error: a `ConfigurationError`, a 500, never a pass; whitespace is allowed and
 * simply matches nothing); with `params`, `{name}` placeholders of string values filled from the route.
 *
 * @param args What the adapter passes to requirement functions: `[req]`, `[request, context]`.
 * @param params The route parameters that fill `{name}` placeholders. Without them (Express, whose
 *   templates are `fromRoute` functions), string values are taken as they are.
 * @throws ConfigurationError naming the requirement's origin.
 * @example
 * ```ts
 * resolveRequirement(requirement, [request, context], request.params); // ['project-45c0']
 * ```
 */
export function resolveRequirement<Args extends readonly unknown[]>(
  requirement: Requirement<Args>,
  args: Args,
  params?: RouteParams,
): string[] {
  const resolved: string[] = [];
  for (const value of requirement.values) {
    if (typeof value === 'function') {
      const out: unknown = value(...args);
      const list = typeof out === 'string' ? [out] : out;
      if (!isValueList(list)) {
        throw new ConfigurationError(
          `${requirement.origin}: a ${requirement.kind} function must return a non-empty string or a non-empty array of them`,
        );
      }
      resolved.push(...list);
    } else {
      resolved.push(params === undefined ? value : fillRouteTemplate(value, params, requirement.origin));
    }
  }
  return resolved;
}
