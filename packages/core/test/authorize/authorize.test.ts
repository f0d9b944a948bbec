import { describe, expect, it } from 'vitest';
import {
  authorize,
  authorizePrincipal,
  defineClaimsCheck,
  requirementCheck,
  type AuthorizationCheck,
} from '../../src/authorize/authorize.js';
import { defineRequirement } from '../../src/authorize/requirement.js';
import { AuthError, ConfigurationError } from '../../src/errors.js';
import { createPrincipal } from '../../src/principal/principal.js';
import { rejectionOf } from '../support/fake-issuer.js';
import { ISSUER, fixture } from '../support/verifier-fixture.js';

const principal = createPrincipal(
  { scope: 'read project-1', org: 'acme', client_id: 'svc', exp: 2_000_000_000 },
  'tok',
  ISSUER,
  ['AdministerClients'],
);

type Req = { params: Record<string, string> };
const req: Req = { params: { id: '1', org: 'acme' } };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('requirementCheck', () => {
  it('resolves the requirement for the request and looks it up in scopes or permissions', () => {
    const scope = defineRequirement<[Req]>('scope', 'o', ['project-{id}']);
    expect(() => requirementCheck(scope, [req], req.params)(principal)).not.toThrow();
    expect(errorOf(() => requirementCheck(scope, [req], { id: '2' })(principal))).toMatchObject({
      code: 'insufficient_scope',
      reason: 'scope_missing',
      required: ['project-2'],
    });
    const permission = defineRequirement('permission', 'o', ['AdministerClients', 'Other'], { mode: 'any' });
    expect(() => requirementCheck(permission, [])(principal)).not.toThrow();
    const read = defineRequirement('permission', 'o', ['read']);
    expect(errorOf(() => requirementCheck(read, [])(principal))).toMatchObject({
      reason: 'permission_missing',
      description: 'missing permission read',
    });
  });

  it('resolves only when it runs (after authentication), not when it is made', () => {
    let calls = 0;
    const requirement = defineRequirement<[Req]>('scope', 'o', [() => (calls++, 'read')]);
    const check = requirementCheck(requirement, [req]);
    expect(calls).toBe(0);
    check(principal);
    expect(calls).toBe(1);
  });
});

describe('defineClaimsCheck', () => {
  it('passes the claims, the principal and the adapter arguments; only true passes', () => {
    const checkFor = defineClaimsCheck<[Req]>(
      'claimCheck',
      (claims, p, r) => claims.org === r.params.org && p.clientId === 'svc',
      { description: 'wrong organization' },
    );
    expect(() => checkFor(req)(principal)).not.toThrow();
    expect(errorOf(() => checkFor({ params: { org: 'globex' } })(principal))).toMatchObject({
      code: 'insufficient_scope',
      reason: 'claim_check_failed',
      description: 'wrong organization',
    });
  });

  it.each<[string, () => unknown, string]>([
    ['no predicate', () => defineClaimsCheck('claimCheck', undefined as never), 'claimCheck: predicate'],
    ['options not an object', () => defineClaimsCheck('claimCheck', () => true, 'x' as never), 'options'],
    [
      'an empty description',
      () => defineClaimsCheck('claimCheck', () => true, { description: '' }),
      'claimCheck: options.description must be a non-empty string',
    ],
  ])('refuses %s when declared', (_name, define, message) => {
    expect(define).toThrow(ConfigurationError);
    expect(define).toThrow(message);
  });
});

describe('authorizePrincipal', () => {
  it('lets the principal through without checks, anonymous included', async () => {
    const { verifier, events } = await fixture();
    expect(authorizePrincipal(verifier, principal, [])).toBe(principal);
    expect(authorizePrincipal(verifier, undefined, [])).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('refuses an anonymous request that meets a check like a missing token (401), reported', async () => {
    const { verifier, events } = await fixture();
    let ran = false;
    const error = errorOf(() => authorizePrincipal(verifier, undefined, [() => (ran = true)]));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, reason: 'token_missing' });
    expect((error as AuthError).wwwAuthenticate('api')).toBe('Bearer realm="api"');
    expect(ran).toBe(false);
    expect(events).toEqual([
      { code: 'invalid_token', reason: 'token_missing', status: 401, description: 'no bearer token' },
    ]);
  });

  it('runs the checks in order, stops at the first failure and reports it with the caller', async () => {
    const { verifier, events } = await fixture();
    const ran: string[] = [];
    const checks: AuthorizationCheck[] = [
      () => ran.push('first'),
      requirementCheck(defineRequirement('scope', 'o', ['write']), []),
      () => ran.push('never'),
    ];
    expect(errorOf(() => authorizePrincipal(verifier, principal, checks))).toMatchObject({
      status: 403,
      reason: 'scope_missing',
    });
    expect(ran).toEqual(['first']);
    expect(events).toEqual([
      {
        code: 'insufficient_scope',
        reason: 'scope_missing',
        status: 403,
        description: 'missing scope write',
        issuer: ISSUER,
        clientId: 'svc',
      },
    ]);
  });

  it('passes a ConfigurationError (a 500) on, unreported', async () => {
    const { verifier, events } = await fixture();
    const broken = requirementCheck(defineRequirement('scope', 'o', [() => []]), []);
    expect(errorOf(() => authorizePrincipal(verifier, principal, [broken]))).toBeInstanceOf(
      ConfigurationError,
    );
    expect(events).toEqual([]);
  });
});

describe('authorize', () => {
  const read = requirementCheck(defineRequirement('scope', 'o', ['read']), []);
  const admin = requirementCheck(defineRequirement('scope', 'o', ['admin']), []);

  it('authenticates, then checks: the whole inbound path', async () => {
    const { verifier, mint, events } = await fixture();
    const token = await mint();
    const request = { headers: { authorization: `Bearer ${token}` } };
    await expect(authorize(verifier, request, [read])).resolves.toMatchObject({ clientId: 'svc' });
    await expect(authorize(verifier, request, [admin])).rejects.toMatchObject({ reason: 'scope_missing' });
    await expect(authorize(verifier, { headers: {} }, [read])).rejects.toMatchObject({
      reason: 'token_missing',
    });
    expect(events.map((e) => e.reason)).toEqual(['scope_missing', 'token_missing']);
  });

  it('with optional: anonymous without checks, a 401 with them, reported once', async () => {
    const { verifier, events } = await fixture();
    await expect(authorize(verifier, { headers: {} }, [], { optional: true })).resolves.toBeUndefined();
    const error = await rejectionOf(authorize(verifier, { headers: {} }, [read], { optional: true }));
    expect(error).toMatchObject({ status: 401, reason: 'token_missing' });
    expect(events.map((e) => e.reason)).toEqual(['token_missing']);
  });

  it('reuses an authentication already under way instead of authenticating again', async () => {
    const { verifier, events } = await fixture();
    const request = { headers: { authorization: 'Bearer a b' } }; // would be a 400 if read
    await expect(
      authorize(verifier, request, [read], { authenticated: Promise.resolve(principal) }),
    ).resolves.toBe(principal);
    expect(events).toEqual([]);
  });

  it('hands on the rejection of the authentication, reported by it once', async () => {
    const { verifier, events } = await fixture();
    await expect(
      authorize(verifier, { headers: { authorization: 'Bearer a b' } }, [read]),
    ).rejects.toMatchObject({ status: 400, reason: 'header_malformed' });
    expect(events.map((e) => e.reason)).toEqual(['header_malformed']);
  });
});
