import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import type { HttpService } from '@nestjs/axios';
import { ConfigurationError } from '@m2m-auth/core';
import { createClient, ownedSource, type OwnedSource } from './http.client.js';
import { getHttpClientToken, getTokenSourceToken } from './http.decorators.js';
import type {
  M2mHttpClientOptions,
  M2mHttpModuleAsyncOptions,
  M2mHttpModuleOptions,
} from './http.options.js';
import { loadPeers } from './http.peers.js';
import { checkClient, checkName } from './http.validation.js';

// Module-internal tokens: each registration is its own module, so these never clash across clients.
const REGISTRATION = 'M2M_AUTH:HTTP_REGISTRATION';
const SOURCE = 'M2M_AUTH:HTTP_SOURCE';

interface Registration {
  readonly name: string;
  readonly options: M2mHttpClientOptions;
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
        useFactory: ({ options }: Registration): OwnedSource => ownedSource(options),
        inject: [REGISTRATION],
      },
      { provide: sourceToken, useFactory: (holder: OwnedSource) => holder.source, inject: [SOURCE] },
      {
        provide: clientToken,
        useFactory: async ({ options }: Registration, holder: OwnedSource): Promise<HttpService> =>
          createClient(await loadPeers(), options, holder.source),
        inject: [REGISTRATION, SOURCE],
      },
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
