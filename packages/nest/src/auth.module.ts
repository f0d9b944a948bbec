import { Module, type ConfigurableModuleAsyncOptions, type DynamicModule } from '@nestjs/common';
import { ConfigurationError, type Verifier } from '@m2m-auth/core';
import { M2M_AUTH_OPTIONS, M2M_AUTH_VERIFIER } from './auth.constants.js';
import { M2mAuthConfigurableModule } from './auth.module-definition.js';
import {
  buildVerifier,
  checkModuleOptions,
  refuseFormerOptions,
  type M2mAuthModuleExtras,
  type M2mAuthModuleOptions,
} from './auth.options.js';

function verifierFactory(options: M2mAuthModuleOptions): Verifier {
  return buildVerifier(options, 'M2mAuthModule');
}

/**
 * Verifies the bearer tokens of inbound requests, the Nest way: one shared verifier (injection token
 * {@link M2M_AUTH_VERIFIER}) for {@link M2mAuthGuard}, the guard factories {@link RequireScope} and
 * {@link ClientPermission}, and the decorators. A global module: import it once, in the root module.
 *
 * `forRoot(options)` takes {@link M2mAuthModuleOptions} plus `protectAllRoutes`
 * ({@link M2mAuthModuleExtras}); `forRootAsync({ imports, useFactory, inject, protectAllRoutes })` builds
 * them from other providers, such as `ConfigService`. `forRoot` validates every option at once;
 * `forRootAsync`'s when its factory has run. The verifier is created when the app starts (so every app
 * gets its own caches).
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
 *       protectAllRoutes: true,
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
export class M2mAuthModule extends M2mAuthConfigurableModule {
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
    refuseFormerOptions(options, 'M2mAuthModule.forRoot');
    // Validated now; each app builds its own verifier (own caches) when it starts.
    checkModuleOptions(options, 'M2mAuthModule.forRoot');
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
    refuseFormerOptions(options, 'M2mAuthModule.forRootAsync');
    if (!options.useFactory && !options.useClass && !options.useExisting) {
      throw new ConfigurationError(
        'M2mAuthModule.forRootAsync: pass useFactory (with inject), useClass or useExisting',
      );
    }
    return super.forRootAsync(options);
  }
}
