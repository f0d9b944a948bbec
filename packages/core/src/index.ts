// Errors
export { M2mAuthError, ConfigurationError, AuthError } from './errors.js';
export type { AuthErrorCode, AuthErrorReason, AuthErrorOptions } from './errors.js';
