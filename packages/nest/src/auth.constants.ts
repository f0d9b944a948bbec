/**
 * Injection token of the options given to `M2mAuthModule.forRoot()` / `forRootAsync()`.
 *
 * @example
 * ```ts
 * constructor(@Inject(M2M_AUTH_OPTIONS) private readonly options: M2mAuthModuleOptions) {}
 * ```
 */
export const M2M_AUTH_OPTIONS = 'M2M_AUTH:MODULE_OPTIONS';

/**
 * Injection token of the one `Verifier` that `M2mAuthModule` builds and every guard shares.
 *
 * @example
 * ```ts
 * constructor(@Inject(M2M_AUTH_VERIFIER) private readonly verifier: Verifier) {}
 * ```
 */
export const M2M_AUTH_VERIFIER = 'M2M_AUTH:VERIFIER';

/** Metadata keys of the decorators (internal). */
export const PUBLIC_KEY = 'm2m-auth:public';
export const SCOPES_KEY = 'm2m-auth:scopes';
export const PERMISSIONS_KEY = 'm2m-auth:permissions';
