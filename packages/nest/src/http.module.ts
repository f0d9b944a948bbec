import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import type { HttpService } from '@nestjs/axios';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import {
  ClientCredentials,
  ConfigurationError,
  type ClientCredentialsOptions,
  type TokenSource,
} from '@m2m-auth/core';
import { attachTokens, checkAttachTokensOptions, type AttachTokensOptions } from '@m2m-auth/axios';

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

const DEFAULT_NAME = 'default';

/**
 * The injection token of a client's `HttpService`.
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * const tables = app.get<HttpService>(getHttpClientToken('tables'));
 * ```
 */
export function getHttpClientToken(name: string = DEFAULT_NAME): string {
  return `M2M_AUTH:HTTP_CLIENT:${name}`;
}

/**
 * The injection token of a client's `TokenSource`.
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * const source = app.get<TokenSource>(getTokenSourceToken('tables'));
 * ```
 */
export function getTokenSourceToken(name: string = DEFAULT_NAME): string {
  return `M2M_AUTH:TOKEN_SOURCE:${name}`;
}

/**
 * Injects a client's `HttpService` (from `@nestjs/axios`), whose axios instance carries the
 * `@m2m-auth/axios` interceptors.
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * @Injectable()
 * export class TablesClient {
 *   constructor(@InjectHttpClient('tables') private readonly http: HttpService) {}
 *
 *   list(project: string) {
 *     return firstValueFrom(this.http.get(`/v1/projects/${project}/tables`));
 *   }
 * }
 * ```
 */
export function InjectHttpClient(name: string = DEFAULT_NAME): PropertyDecorator & ParameterDecorator {
  return Inject(getHttpClientToken(name));
}

/**
 * Injects a client's `TokenSource` (to read a token, or subscribe to a `ClientCredentials`' events).
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * constructor(@InjectTokenSource('tables') private readonly source: TokenSource) {}
 * ```
 */
export function InjectTokenSource(name: string = DEFAULT_NAME): PropertyDecorator & ParameterDecorator {
  return Inject(getTokenSourceToken(name));
}

// Module-internal tokens: each registration is its own module, so these never clash across clients.
const REGISTRATION = 'M2M_AUTH:HTTP_REGISTRATION';
const SOURCE = 'M2M_AUTH:HTTP_SOURCE';

interface Registration {
  readonly name: string;
  readonly options: M2mHttpClientOptions;
}

interface OwnedSource {
  readonly source: TokenSource;
  /** Created by the module, so closed by it. */
  readonly owned: boolean;
}

function isTokenSource(value: unknown): value is TokenSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TokenSource).getToken === 'function' &&
    typeof (value as TokenSource).invalidate === 'function'
  );
}

function checkName(name: unknown, where: string): string {
  if (name === undefined) return DEFAULT_NAME;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(`${where}: name must be a non-empty string`);
  }
  return name;
}

/** Prefixes a `ConfigurationError` from a lower layer with where the options were given. */
function rethrow(err: unknown, prefix: string): never {
  if (err instanceof ConfigurationError) throw new ConfigurationError(`${prefix}${err.message}`);
  throw err;
}

/**
 * Validates a client's options, all of them and without any network: `ClientCredentials` options by
 * building (and closing) a source, the origins as `attachTokens` will.
 */
function checkClient(options: unknown, where: string): asserts options is M2mHttpClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`${where}: options must be an object`);
  }
  const o = options as Partial<M2mHttpClientOptions>;
  if (typeof o.token !== 'object' || o.token === null) {
    throw new ConfigurationError(`${where}: token must be ClientCredentials options or a TokenSource`);
  }
  if (!isTokenSource(o.token)) {
    try {
      new ClientCredentials(o.token).close();
    } catch (err) {
      rethrow(err, `${where}: token: `);
    }
  }
  if (o.baseURL !== undefined) {
    if (typeof o.baseURL !== 'string' || !URL.canParse(o.baseURL)) {
      throw new ConfigurationError(`${where}: baseURL must be an absolute URL`);
    }
  }
  if (o.origins === undefined && o.anyOrigin !== true && o.baseURL === undefined) {
    throw new ConfigurationError(`${where}: pass origins (or anyOrigin: true), or a baseURL`);
  }
  const { attach } = splitOptions(o as M2mHttpClientOptions);
  try {
    checkAttachTokensOptions(attach);
  } catch (err) {
    // Origins taken from baseURL: say so, since the user never wrote `origins`.
    const fromBase = o.origins === undefined && o.anyOrigin !== true;
    rethrow(
      err,
      fromBase ? `${where}: baseURL ${new URL(o.baseURL!).origin} cannot get the token: ` : `${where}: `,
    );
  }
}

function splitOptions(options: M2mHttpClientOptions): {
  attach: AttachTokensOptions;
  axios: AxiosRequestConfig<unknown>;
} {
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

async function loadPeers(): Promise<{
  HttpService: typeof HttpService;
  create: (config: AxiosRequestConfig<unknown>) => AxiosInstance;
}> {
  try {
    const [nestAxios, axios] = await Promise.all([import('@nestjs/axios'), import('axios')]);
    return { HttpService: nestAxios.HttpService, create: (config) => axios.default.create(config) };
  } catch (err) {
    throw new ConfigurationError(
      'M2mHttpModule needs the optional peer dependencies @nestjs/axios and axios: install them',
      { cause: err },
    );
  }
}

async function createClient(registration: Registration, holder: OwnedSource): Promise<HttpService> {
  const { HttpService: Service, create } = await loadPeers();
  const { attach, axios } = splitOptions(registration.options);
  const instance = create(axios);
  attachTokens(instance, holder.source, attach);
  return new Service(instance);
}

/** Closes the token source that the module created, when the app shuts down. */
@Injectable()
class SourceCloser implements OnModuleDestroy {
  constructor(@Inject(SOURCE) private readonly holder: OwnedSource) {}

  onModuleDestroy(): void {
    if (this.holder.owned) this.holder.source.close();
  }
}

function definition(
  name: string,
  isGlobal: boolean,
  registration: Provider,
  imports: ModuleMetadata['imports'] = [],
): DynamicModule {
  const clientToken = getHttpClientToken(name);
  const sourceToken = getTokenSourceToken(name);
  return {
    module: M2mHttpModule,
    global: isGlobal,
    imports,
    providers: [
      registration,
      {
        provide: SOURCE,
        useFactory: ({ options }: Registration): OwnedSource =>
          isTokenSource(options.token)
            ? { source: options.token, owned: false }
            : { source: new ClientCredentials(options.token), owned: true },
        inject: [REGISTRATION],
      },
      { provide: sourceToken, useFactory: (holder: OwnedSource) => holder.source, inject: [SOURCE] },
      { provide: clientToken, useFactory: createClient, inject: [REGISTRATION, SOURCE] },
      SourceCloser,
    ],
    exports: [clientToken, sourceToken],
  };
}

/**
 * Outbound calls the Nest way: an `HttpService` (from `@nestjs/axios`) whose axios instance attaches a
 * client-credentials token to the requests for its origins, and on a `401` invalidates that token and
 * retries once (`@m2m-auth/axios`). Register several clients under different names, each with its own
 * token source; inject them with `@InjectHttpClient(name)`.
 *
 * Token sources built from `ClientCredentials` options are created when the app starts and closed in
 * `onModuleDestroy` (on `app.close()`, or on a shutdown signal with `enableShutdownHooks()`). A
 * `TokenSource` you pass in is used as is and never closed by the module.
 *
 * Imported from `@m2m-auth/nest/http`, an entry of its own: `@nestjs/axios` and `axios` are optional
 * peer dependencies, needed only by this module (loaded when a client is created), so an app that
 * imports `@m2m-auth/nest` alone needs neither, not even their types.
 *
 * @example
 * ```ts
 * import { M2mHttpModule } from '@m2m-auth/nest/http';
 *
 * @Module({
 *   imports: [
 *     M2mHttpModule.register({
 *       name: 'tables',
 *       token: { issuer: 'https://id.example/auth/realms/acme', clientId: 'MPS-test', clientSecret, scope: 'project-45c0' },
 *       baseURL: 'https://acme.api.example',
 *     }),
 *   ],
 *   providers: [TablesClient],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class M2mHttpModule {
  /**
   * A client with fixed options, all validated now (the token source's, the origins, `baseURL`), with
   * a `ConfigurationError` naming the option; nothing is fetched until the first request.
   *
   * @example
   * ```ts
   * M2mHttpModule.register({ token: { tokenEndpoint, clientId, clientSecret }, baseURL: 'https://api.example' })
   * ```
   */
  static register(options: M2mHttpModuleOptions): DynamicModule {
    const where = 'M2mHttpModule.register';
    checkClient(options, where);
    const name = checkName(options.name, where);
    const registration: Registration = { name, options };
    return definition(name, options.isGlobal === true, { provide: REGISTRATION, useValue: registration });
  }

  /**
   * A client whose options come from a factory; they are validated as by `register()` when the
   * factory has run, as the app starts.
   *
   * @example
   * ```ts
   * M2mHttpModule.registerAsync({ name: 'tables', inject: [ConfigService], useFactory: (c: ConfigService) => ({ … }) })
   * ```
   */
  static registerAsync(options: M2mHttpModuleAsyncOptions): DynamicModule {
    const where = 'M2mHttpModule.registerAsync';
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError(`${where}: options must be an object`);
    }
    if (typeof options.useFactory !== 'function') {
      throw new ConfigurationError(`${where}: useFactory must be a function`);
    }
    const name = checkName(options.name, where);
    const factory = options.useFactory as (...args: unknown[]) => unknown;
    return definition(
      name,
      options.isGlobal === true,
      {
        provide: REGISTRATION,
        useFactory: async (...args: unknown[]): Promise<Registration> => {
          const client = await factory(...args);
          checkClient(client, `${where} (${name})`);
          return { name, options: client };
        },
        inject: options.inject ?? [],
      },
      options.imports,
    );
  }
}
