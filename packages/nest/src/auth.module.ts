import {
  ConfigurableModuleBuilder,
  Module,
  type ConfigurableModuleAsyncOptions,
  type DynamicModule,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  ConfigurationError,
  createVerifier,
  type AuthError,
  type AuthenticateOptions,
  type Verifier,
  type VerifierOptions,
} from '@m2m-auth/core';
import { M2M_AUTH_OPTIONS, M2M_AUTH_VERIFIER } from './auth.constants.js';
import { M2mAuthGuard } from './auth.guard.js';
import type { AuthHttpRequest } from './auth.request.js';

/**
 * How requests are read and failures answered; part of {@link M2mAuthModuleOptions}.
 *
 * @example
 * ```ts
 * M2mAuthModule.forRoot({ issuer, audience: 'tables-api', realm: 'tables', optional: true });
 * ```
 */
export interface M2mAuthRequestOptions extends AuthenticateOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default is the verifier's first audience. */
  realm?: string;
  /** The JSON body of an error response. Default is `{ error, error_description }`. */
  errorBody?: (error: AuthError, request: AuthHttpRequest) => Record<string, unknown>;
}

/**
 * Options of `M2mAuthModule.forRoot()` (and what `forRootAsync()`'s factory returns): the verifier's
 * options (`issuer`, `audience`, `claims`, `introspection`, …), or `verifier`, a verifier built
 * elsewhere; plus {@link M2mAuthRequestOptions}.
 *
 * - `optional` (default `false`): a request without a token passes the guard as anonymous
 *   (`@Principal()` is `undefined`), unless the route declares a requirement.
 * - `allowQueryToken`, `allowBodyToken` (default `false`): accept RFC 6750 §2.2/§2.3 tokens.
 *
 * @example
 * ```ts
 * const options: M2mAuthModuleOptions = {
 *   issuer: 'https://id.example/auth/realms/acme',
 *   audience: 'tables-api',
 *   claims: keycloak({ clientId: 'tables-api' }),
 * };
 * ```
 */
export type M2mAuthModuleOptions = M2mAuthRequestOptions &
  ((VerifierOptions & { verifier?: undefined }) | { verifier: Verifier });

/**
 * Options of `forRoot()` / `forRootAsync()` that shape the module itself.
 *
 * @example
 * ```ts
 * M2mAuthModule.forRoot({ issuer, audience, global: true });
 * ```
 */
export interface M2mAuthModuleExtras {
  /**
   * Protect every route of the app: registers {@link M2mAuthGuard} through `APP_GUARD`; `@Public()`
   * opens a route. Default is `false`: routes are protected with `@UseGuards(…)`.
   */
  global?: boolean;
}

function isVerifier(value: unknown): value is Verifier {
  return typeof value === 'object' && value !== null && typeof (value as Verifier).verify === 'function';
}

/** Validates the module's own options; the verifier's are validated by `createVerifier`. */
export function validateAuthOptions(
  options: unknown,
  where: string,
): asserts options is M2mAuthModuleOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`${where}: options must be an object`);
  }
  const o = options as Record<string, unknown>;
  if (o.verifier !== undefined && !isVerifier(o.verifier)) {
    throw new ConfigurationError(`${where}: verifier must be a Verifier (createVerifier())`);
  }
  if (o.realm !== undefined && typeof o.realm !== 'string') {
    throw new ConfigurationError(`${where}: realm must be a string`);
  }
  if (o.errorBody !== undefined && typeof o.errorBody !== 'function') {
    throw new ConfigurationError(`${where}: errorBody must be a function`);
  }
  for (const flag of ['optional', 'allowQueryToken', 'allowBodyToken']) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') {
      throw new ConfigurationError(`${where}: ${flag} must be a boolean`);
    }
  }
}

/** The verifier's own options: the module's options without the request options and extras. */
function verifierOptions(options: M2mAuthModuleOptions & VerifierOptions): VerifierOptions {
  const {
    realm: _r,
    errorBody: _e,
    optional: _o,
    allowQueryToken: _q,
    allowBodyToken: _b,
    verifier: _v,
    ...rest
  } = options;
  delete (rest as M2mAuthModuleExtras).global;
  return rest;
}

/** Builds the verifier, with its option errors prefixed by `where`. */
function buildVerifier(options: M2mAuthModuleOptions, where: string): Verifier {
  validateAuthOptions(options, where);
  if (options.verifier !== undefined) return options.verifier;
  try {
    return createVerifier(verifierOptions(options));
  } catch (err) {
    if (err instanceof ConfigurationError) throw new ConfigurationError(`${where}: ${err.message}`);
    throw err;
  }
}

function verifierFactory(options: M2mAuthModuleOptions): Verifier {
  return buildVerifier(options, 'M2mAuthModule');
}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<M2mAuthModuleOptions>({
  optionsInjectionToken: M2M_AUTH_OPTIONS,
  moduleName: 'M2mAuth',
})
  .setClassMethodName('forRoot')
  .setExtras<M2mAuthModuleExtras>({ global: false }, (definition, extras) => {
    // `useExisting`, so that tests can replace it with `overrideProvider(M2mAuthGuard)`.
    const guard: Provider[] =
      extras.global === true ? [M2mAuthGuard, { provide: APP_GUARD, useExisting: M2mAuthGuard }] : [];
    // Always a global module: guards on any controller resolve the one shared verifier.
    return { ...definition, global: true, providers: [...(definition.providers ?? []), ...guard] };
  })
  .build();

/**
 * Verifies the bearer tokens of inbound requests, the Nest way: one shared verifier (injection token
 * {@link M2M_AUTH_VERIFIER}) for {@link M2mAuthGuard}, the guard factories {@link RequireScope} and
 * {@link ClientPermission}, and the decorators. A global module: import it once, in the root module.
 *
 * `forRoot(options)` takes {@link M2mAuthModuleOptions} plus `global` ({@link M2mAuthModuleExtras});
 * `forRootAsync({ imports, useFactory, inject, global })` builds them from other providers, such as
 * `ConfigService`. `forRoot` validates every option at once; `forRootAsync`'s when its factory has run.
 * The verifier is created when the app starts (so every app gets its own caches).
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     ConfigModule.forRoot(),
 *     M2mAuthModule.forRootAsync({
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({
 *         issuer: config.getOrThrow<string>('ISSUER'),
 *         audience: config.getOrThrow<string>('AUDIENCE'),
 *         claims: keycloak({ clientId: 'tables-api' }),
 *       }),
 *       global: true,
 *     }),
 *   ],
 *   controllers: [TablesController],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    {
      provide: M2M_AUTH_VERIFIER,
      useFactory: verifierFactory,
      inject: [M2M_AUTH_OPTIONS],
    },
  ],
  exports: [M2M_AUTH_VERIFIER, M2M_AUTH_OPTIONS],
})
export class M2mAuthModule extends ConfigurableModuleClass {
  /**
   * The module with fixed options, all validated now (the verifier's too: a `ConfigurationError`
   * naming the option). Nothing is fetched here; the verifier the app uses is built when it starts.
   *
   * @example
   * ```ts
   * M2mAuthModule.forRoot({ issuer: 'https://id.example/auth/realms/acme', audience: 'tables-api' })
   * ```
   */
  static override forRoot(options: M2mAuthModuleOptions & M2mAuthModuleExtras): DynamicModule {
    // Built only to validate, without any network: each app builds its own (own caches) when it starts.
    buildVerifier(options, 'M2mAuthModule.forRoot');
    return super.forRoot(options);
  }

  /**
   * The module with options from a factory (`useFactory` + `inject`, `useClass` or `useExisting`).
   *
   * @example
   * ```ts
   * M2mAuthModule.forRootAsync({ inject: [ConfigService], useFactory: (c: ConfigService) => ({ … }) })
   * ```
   */
  static override forRootAsync(
    options: ConfigurableModuleAsyncOptions<M2mAuthModuleOptions> & M2mAuthModuleExtras,
  ): DynamicModule {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError('M2mAuthModule.forRootAsync: options must be an object');
    }
    if (!options.useFactory && !options.useClass && !options.useExisting) {
      throw new ConfigurationError(
        'M2mAuthModule.forRootAsync: pass useFactory (with inject), useClass or useExisting',
      );
    }
    return super.forRootAsync(options);
  }
}
