import { M2mAuthGuard } from '@m2m-auth/nest';
import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { M2M_AUTH_OPTIONS } from '../src/auth.constants.js';
import { M2mAuthConfigurableModule } from '../src/auth.module-definition.js';

const options = { issuer: 'https://id.example', audience: 'api' };
const guards = (providers: Provider[] | undefined) =>
  (providers ?? []).filter((p) => typeof p === 'object' && 'provide' in p && p.provide === APP_GUARD);

describe('the module definition', () => {
  it('is always global, its options under M2M_AUTH_OPTIONS without the extras', () => {
    const module = M2mAuthConfigurableModule.forRoot({ ...options, protectAllRoutes: true });
    expect(module.global).toBe(true);
    expect(module.providers).toContainEqual({ provide: M2M_AUTH_OPTIONS, useValue: options });
  });

  it('registers M2mAuthGuard for every route with protectAllRoutes, through useExisting', () => {
    const module = M2mAuthConfigurableModule.forRoot({ ...options, protectAllRoutes: true });
    expect(guards(module.providers)).toEqual([{ provide: APP_GUARD, useExisting: M2mAuthGuard }]);
    expect(module.providers).toContain(M2mAuthGuard);
  });

  it('registers no guard without it, for forRoot and forRootAsync alike', () => {
    expect(guards(M2mAuthConfigurableModule.forRoot(options).providers)).toEqual([]);
    const async = M2mAuthConfigurableModule.forRootAsync({ useFactory: () => options });
    expect(async.global).toBe(true);
    expect(guards(async.providers)).toEqual([]);
    const protectedAsync = M2mAuthConfigurableModule.forRootAsync({
      useFactory: () => options,
      protectAllRoutes: true,
    });
    expect(guards(protectedAsync.providers)).toHaveLength(1);
  });
});
