import { describe, expect, it } from 'vitest';
import { auth0, entra, keycloak } from '../../src/principal/claim-mappers.js';

const kc = {
  realm_access: { roles: ['offline_access', 'realm-admin'] },
  resource_access: { api: { roles: ['AdministerClients'] }, other: { roles: ['OtherRole'] } },
};

describe('keycloak()', () => {
  it('maps realm roles and the named client’s roles, not other clients’', () => {
    expect([...keycloak({ clientId: 'api' })(kc)]).toEqual([
      'offline_access',
      'realm-admin',
      'AdministerClients',
    ]);
  });

  it('maps realm roles only without a clientId', () => {
    expect([...keycloak()(kc)]).toEqual(['offline_access', 'realm-admin']);
  });

  it('leaves realm roles out with realmRoles: false', () => {
    expect([...keycloak({ clientId: 'api', realmRoles: false })(kc)]).toEqual(['AdministerClients']);
  });

  it.each([
    {},
    { realm_access: 'x', resource_access: [] },
    { realm_access: { roles: 'admin' }, resource_access: { api: null } },
    { realm_access: { roles: [1, null] }, resource_access: { api: { roles: {} } } },
  ])('tolerates malformed claims (%j)', (claims) => {
    expect([...keycloak({ clientId: 'api' })(claims)]).toEqual([]);
  });

  it('does not read roles from a prototype-like client id', () => {
    expect([...keycloak({ clientId: '__proto__', realmRoles: false })(kc)]).toEqual([]);
  });
});

describe('auth0() and entra()', () => {
  it('auth0 reads `permissions` and nothing else', () => {
    expect([...auth0()({ permissions: ['read:a', 7, 'write:a'], roles: ['x'] })]).toEqual([
      'read:a',
      'write:a',
    ]);
    expect([...auth0()({ permissions: 'read:a' })]).toEqual([]);
  });

  it('entra reads `roles` and nothing else', () => {
    expect([...entra()({ roles: ['Tables.Write'], permissions: ['x'] })]).toEqual(['Tables.Write']);
    expect([...entra()({})]).toEqual([]);
  });
});
