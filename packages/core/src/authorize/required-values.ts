import { ConfigurationError } from '../errors.js';

/** Whether every requirement must be met (`all`) or one is enough (`any`). */
export type MatchMode = 'all' | 'any';

/** What a requirement asks of the caller: scopes of its token, or permissions (roles) mapped from it. */
export type RequirementKind = 'scope' | 'permission';

/*
 * The one rule for required values, wherever they come from:
 * - declared (fixed) values are refused when they are declared: empty, blank or with whitespace;
 * - values computed per request must be non-empty strings (an empty one is a missing parameter, a
 *   programming error) but may hold whitespace, even be nothing else: that comes from the request (a
 *   route parameter `%20`) and simply matches nothing, a 403 rather than a 500 a caller could provoke;
 * - the mode is `all` or `any`, never widened to `any`.
 */

/**
 * `mode` as a {@link MatchMode}.
 *
 * @throws ConfigurationError naming `option` for anything but `all` and `any`.
 */
export function matchMode(mode: unknown, option: string): MatchMode {
  if (mode !== 'all' && mode !== 'any') throw new ConfigurationError(`${option} must be 'all' or 'any'`);
  return mode;
}

/**
 * Checks a declared value: a non-empty string without whitespace.
 *
 * @throws ConfigurationError naming `origin`.
 */
export function checkFixedValue(value: unknown, origin: string, kind: RequirementKind): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${origin}: each ${kind} must be a non-empty string or a function`);
  }
  if (/\s/.test(value)) throw new ConfigurationError(`${origin}: ${kind} '${value}' contains whitespace`);
}

/** Whether `values` is a usable list of computed values: non-empty, each a non-empty string. */
export function isValueList(values: unknown): values is readonly string[] {
  return (
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((value) => typeof value === 'string' && value !== '')
  );
}
