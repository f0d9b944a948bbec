import { describe, expect, it } from 'vitest';
import { AuthError, ConfigurationError } from '../../src/errors.js';
import { checkClaims, checkPermissions, checkScopes } from '../../src/principal/checks.js';
import { createPrincipal } from '../../src/principal/principal.js';

const principal = createPrincipal(
  { scope: 'project-X2 read', tenant: 'acme', exp: 2_000_000_000 },
  'tok',
  'https://id.example',
  ['AdministerClients'],
);

function errorOf(fn: () => void): AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected an AuthError');
}

describe('checkScopes', () => {
  it('matches exactly: project-X2 does not satisfy project-X', () => {
    const error = errorOf(() => checkScopes(principal, ['project-X']));
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      reason: 'scope_missing',
      required: ['project-X'],
      description: 'missing scope project-X',
    });
    expect(error.wwwAuthenticate('api')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="missing scope project-X", scope="project-X"',
    );
    expect(() => checkScopes(principal, ['project-X2'])).not.toThrow();
  });

  it('does not match a prefix or a case variant', () => {
    expect(() => checkScopes(principal, ['rea'])).toThrow(AuthError);
    expect(() => checkScopes(principal, ['READ'])).toThrow(AuthError);
  });

  it('mode all (default) requires every scope', () => {
    expect(() => checkScopes(principal, ['read', 'project-X2'])).not.toThrow();
    const error = errorOf(() => checkScopes(principal, ['read', 'write']));
    expect(error.required).toEqual(['read', 'write']);
    expect(error.description).toBe('requires all of scopes: read write');
  });

  it('mode any requires one', () => {
    expect(() => checkScopes(principal, ['write', 'read'], 'any')).not.toThrow();
    const error = errorOf(() => checkScopes(principal, ['write', 'admin'], 'any'));
    expect(error.description).toBe('requires one of scopes: write admin');
    expect(error.wwwAuthenticate()).toContain('scope="write admin"');
  });

  it('refuses an empty requirement in either mode: a ConfigurationError, never a pass', () => {
    expect(() => checkScopes(principal, [])).toThrow(ConfigurationError);
    expect(() => checkScopes(principal, [], 'any')).toThrow(ConfigurationError);
    expect(() => checkScopes(principal, [''])).toThrow(ConfigurationError);
    expect(() => checkScopes(principal, undefined as never)).toThrow(ConfigurationError);
  });

  it('answers a whitespace-only value (it may come from the request) with a 403, never a pass', () => {
    for (const mode of ['all', 'any'] as const) {
      expect(() => checkScopes(principal, [' '], mode)).toThrow(AuthError);
      expect(() => checkScopes(principal, [' '], mode)).toThrow(/missing scope/);
      expect(() => checkPermissions(principal, ['\t'], mode)).toThrow(AuthError);
    }
  });

  it('refuses an unknown mode instead of treating it as any', () => {
    // `read` is held, `admin` is not: under `any` this would pass.
    expect(() => checkScopes(principal, ['admin', 'read'], 'bogus' as never)).toThrow(
      /mode must be 'all' or 'any'/,
    );
    expect(() => checkScopes(principal, ['read'], null as never)).toThrow(ConfigurationError);
  });
});

describe('checkPermissions', () => {
  it('checks the mapped permissions, exactly', () => {
    expect(() => checkPermissions(principal, ['AdministerClients'])).not.toThrow();
    expect(errorOf(() => checkPermissions(principal, ['Administer']))).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      reason: 'permission_missing',
      required: ['Administer'],
    });
  });

  it('does not treat scopes as permissions', () => {
    expect(() => checkPermissions(principal, ['read'])).toThrow(AuthError);
  });

  it('supports any/all and refuses empty requirements and unknown modes', () => {
    expect(() => checkPermissions(principal, ['x', 'AdministerClients'], 'any')).not.toThrow();
    expect(() => checkPermissions(principal, ['x', 'AdministerClients'], 'all')).toThrow(AuthError);
    expect(() => checkPermissions(principal, [])).toThrow(ConfigurationError);
    expect(() => checkPermissions(principal, [], 'any')).toThrow(ConfigurationError);
    expect(() => checkPermissions(principal, ['x', 'AdministerClients'], 'some' as never)).toThrow(
      ConfigurationError,
    );
  });
});

describe('checkClaims', () => {
  it('passes when the predicate returns true, given the claims and the principal', () => {
    const seen: unknown[] = [];
    checkClaims(principal, (claims, p) => {
      seen.push(claims.tenant, p.issuer);
      return true;
    });
    expect(seen).toEqual(['acme', 'https://id.example']);
  });

  it('fails with a 403 claim_check_failed and the given description', () => {
    expect(errorOf(() => checkClaims(principal, (c) => c.tenant === 'other', 'wrong tenant'))).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      reason: 'claim_check_failed',
      description: 'wrong tenant',
    });
  });

  it('refuses a predicate that is not a function', () => {
    expect(() => checkClaims(principal, undefined as never)).toThrow(ConfigurationError);
  });

  it('accepts only true, not a truthy value', () => {
    const truthy = (() => 'yes') as unknown as () => boolean;
    expect(errorOf(() => checkClaims(principal, truthy)).description).toBe(
      'token claims do not allow this request',
    );
  });
});
