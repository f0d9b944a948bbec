import type { Principal, Verifier } from '@m2m-auth/core';
import { ClientPermission, M2mAuthException, M2mAuthGuard, RequireScope, Scopes } from '@m2m-auth/nest';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { httpContext, rejectionOf } from './support/guard-context.js';

const ISSUER = 'https://id.example/auth/realms/acme';
const bearer = { authorization: 'Bearer abc' };

describe('RequireScope and ClientPermission', () => {
  it('each factory call is its own guard class', () => {
    expect(RequireScope('a')).not.toBe(RequireScope('a'));
  });

  it("checks its own requirement before the route's, through the guard of the module", async () => {
    class TablesController {
      @Scopes('read')
      list() {}
    }
    const Guard = RequireScope('project-{id}');
    const verifier: Verifier = {
      issuers: [ISSUER],
      audiences: ['api'],
      verify: () => Promise.resolve({ scopes: new Set(), permissions: new Set() } as unknown as Principal),
    };
    const guard = new Guard(new Reflector(), verifier, { verifier });
    const both = httpContext(TablesController, 'list', { headers: bearer, params: { id: '1' } });
    const error = await rejectionOf(Promise.resolve(guard.canActivate(both.context)));
    expect(error).toBeInstanceOf(M2mAuthException);
    expect((error as M2mAuthException).authError.required).toEqual(['project-1']);
    const Both = ClientPermission('AdministerClients');
    expect(new Both(new Reflector(), verifier, { verifier })).toBeInstanceOf(M2mAuthGuard);
  });
});
