import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { AxiosRequestConfig } from 'axios';
import type { ClientCredentialsOptions, TokenSource } from '@m2m-auth/core';
import type { AttachTokensOptions } from '@m2m-auth/axios';

/**
 * One outbound client: where its tokens come from, which origins get them, and the axios
 * configuration of its `HttpService`.
 *
 * @example
 * ```ts
 * const options: M2mHttpClientOptions = {
 *   token: { issuer: 'https://id.example/auth/realms/acme', clientId: 'MPS-test', clientSecret, scope: 'project-45c0' },
 *   baseURL: 'https://acme.api.example',
 *   timeout: 5000,
 * };
 * ```
 */
export interface M2mHttpClientOptions
  extends Omit<AxiosRequestConfig<unknown>, 'baseURL'>, AttachTokensOptions {
  /**
   * The token source: `ClientCredentials` options (the module creates the source, and closes it when
   * the app shuts down), or a `TokenSource` you created (shared with other code; the module never
   * closes it: close it yourself).
   */
  token: ClientCredentialsOptions | TokenSource;
  /** Base URL of the API, e.g. `https://acme.api.example/v1`. */
  baseURL?: string;
  /**
   * Origins whose requests get the token. Default is the origin of `baseURL` alone; required (or
   * `anyOrigin: true`) without one.
   */
  origins?: readonly (string | URL)[];
}

/**
 * Options of `M2mHttpModule.register()`: a client, its `name` and whether the module is global.
 *
 * @example
 * ```ts
 * M2mHttpModule.register({ name: 'tables', token: { issuer, clientId, clientSecret }, baseURL });
 * ```
 */
export interface M2mHttpModuleOptions extends M2mHttpClientOptions {
  /**
   * Name of the client, for `@InjectHttpClient(name)`; several clients, each with its own token
   * source, live side by side. Default is `'default'`.
   */
  name?: string;
  /** Export the client to every module of the app. Default is `false`: to the importing module. */
  isGlobal?: boolean;
}

/**
 * Options of `M2mHttpModule.registerAsync()`: `name` and `isGlobal` now, the client's options from a
 * factory when the app starts.
 *
 * @example
 * ```ts
 * M2mHttpModule.registerAsync({
 *   name: 'tables',
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ token: { … }, baseURL: config.getOrThrow('TABLES_URL') }),
 * });
 * ```
 */
export interface M2mHttpModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Name of the client. Default is `'default'`. */
  name?: string;
  /** Export the client to every module of the app. Default is `false`. */
  isGlobal?: boolean;
  /** Builds the client's options from the injected providers. */
  useFactory: (...args: never[]) => M2mHttpClientOptions | Promise<M2mHttpClientOptions>;
  /** Providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
}

/** A client's options split for the two layers: the origins for `attachTokens`, the rest for axios. */
export interface SplitOptions {
  readonly attach: AttachTokensOptions;
  readonly axios: AxiosRequestConfig<unknown>;
}

/**
 * Splits a client's options into `attachTokens`' (`origins`, `anyOrigin`, `allowInsecureRequests`;
 * without `origins` nor `anyOrigin: true`, the origin of `baseURL` alone) and the axios configuration
 * (everything else but `token`, `name` and `isGlobal`).
 */
export function splitOptions(options: M2mHttpClientOptions): SplitOptions {
  const { token: _t, origins, anyOrigin, allowInsecureRequests, ...rest } = options;
  const { name: _n, isGlobal: _g, ...axiosConfig } = rest as M2mHttpModuleOptions;
  const attach: AttachTokensOptions = {};
  if (anyOrigin !== undefined && anyOrigin !== false) attach.anyOrigin = anyOrigin;
  if (origins !== undefined || anyOrigin !== true) {
    attach.origins = origins ?? [new URL(options.baseURL!).origin];
  }
  if (allowInsecureRequests !== undefined) attach.allowInsecureRequests = allowInsecureRequests;
  return { attach, axios: axiosConfig };
}
