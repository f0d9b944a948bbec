import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { M2M_AUTH_OPTIONS } from './auth.constants.js';
import { M2mAuthGuard } from './auth.guard.js';
import type { M2mAuthModuleExtras, M2mAuthModuleOptions } from './auth.options.js';

/**
 * The `forRoot` / `forRootAsync` definition of `M2mAuthModule`: its options under
 * {@link M2M_AUTH_OPTIONS}, and with `protectAllRoutes` the guard for every route. Always a global
 * module, so that guards on any controller resolve the one shared verifier.
 */
export const { ConfigurableModuleClass: M2mAuthConfigurableModule } =
  new ConfigurableModuleBuilder<M2mAuthModuleOptions>({
    optionsInjectionToken: M2M_AUTH_OPTIONS,
    moduleName: 'M2mAuth',
  })
    .setClassMethodName('forRoot')
    .setExtras<M2mAuthModuleExtras>({ protectAllRoutes: false }, (definition, extras) => {
      // `useExisting`, so that tests can replace it with `overrideProvider(M2mAuthGuard)`.
      const guard: Provider[] =
        extras.protectAllRoutes === true
          ? [M2mAuthGuard, { provide: APP_GUARD, useExisting: M2mAuthGuard }]
          : [];
      return { ...definition, global: true, providers: [...(definition.providers ?? []), ...guard] };
    })
    .build();
