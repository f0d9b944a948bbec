import { ConfigurationError } from '../errors.js';

/**
 * Option checks shared by every factory of core: each throws a {@link ConfigurationError} whose message
 * names the option, so that a wrong option fails when the factory is called, not on first use.
 */

/** `value` as a finite number ≥ 0 (> 0 unless `allowZero`), `fallback` when undefined. */
export function positiveNumber(value: unknown, option: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${option} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

/** `value` as a boolean, `false` when undefined. */
export function optionalBoolean(value: unknown, option: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError(`${option} must be a boolean`);
  }
  return value === true;
}

/** `value` unless it is neither a function nor undefined. */
export function optionalFunction<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`${option} must be a function`);
  }
  return value;
}

/** `value` unless it is neither a non-blank string nor undefined. */
export function optionalString(value: unknown, option: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw new ConfigurationError(`${option} must be a non-empty string`);
  }
  return value;
}

/** Refuses anything but a plain object (or undefined). */
export function optionsObject(value: unknown, option: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new ConfigurationError(`${option} must be an object`);
  }
}

/** `value` (a string or a non-empty array of them) as a list of non-empty strings. */
export function nonEmptyStrings(value: unknown, option: string): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (!list || list.length === 0 || !list.every((v): v is string => typeof v === 'string' && v !== '')) {
    throw new ConfigurationError(`${option} must be a non-empty string or array of strings`);
  }
  return list;
}
