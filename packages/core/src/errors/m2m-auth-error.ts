import type { ConfigurationErrorCode, M2mAuthErrorCode } from './codes.js';

/**
 * Base class of every error m2m-auth throws. `name` is the subclass's name; messages never carry a token
 * or a secret, and a low-level `cause` is kept non-enumerable so that logging an error cannot dump it.
 *
 * @example
 * ```ts
 * if (err instanceof M2mAuthError) log.warn({ code: err.code, name: err.name });
 * ```
 */
export abstract class M2mAuthError extends Error {
  /** Stable, machine-readable error code, one of {@link M2mAuthErrorCode}. */
  abstract readonly code: M2mAuthErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    if (options?.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true });
    }
  }
}

/**
 * Thrown when an option passed to a factory is invalid. The message names the option.
 *
 * @example
 * ```ts
 * throw new ConfigurationError('timeout must be a positive number');
 * ```
 */
export class ConfigurationError extends M2mAuthError {
  readonly code: ConfigurationErrorCode = 'invalid_configuration';
}
