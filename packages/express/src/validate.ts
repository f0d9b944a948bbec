import { ConfigurationError } from '@m2m-auth/core';

/** Throws a {@link ConfigurationError} naming `option` unless `value` is an object (or undefined). */
export function optionsObject(value: unknown, option: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new ConfigurationError(`${option} must be an object`);
  }
}

/** Throws unless `value` is a boolean (or undefined). */
export function optionalBoolean(value: unknown, option: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError(`${option} must be a boolean`);
  }
}

/** Throws unless `value` is a function (or undefined). */
export function optionalFunction(value: unknown, option: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`${option} must be a function`);
  }
}

/** Throws unless `value` is a non-empty string (or undefined). */
export function optionalString(value: unknown, option: string): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw new ConfigurationError(`${option} must be a non-empty string`);
  }
}
