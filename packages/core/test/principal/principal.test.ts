import { describe, expect, it } from 'vitest';
import { createPrincipal, scopesOf } from '../../src/principal/principal.js';

describe('createPrincipal', () => {
  const claims = {
    iss: 'https://id.example',
    sub: 'svc-sub',
    aud: 'api',
    exp: 2_000_000_000,
    client_id: 'svc',
    scope: 'read write',
  };

  it('reads every field from the claims', () => {
    const p = createPrincipal(claims, 'tok', 'https://id.example', ['admin']);
    expect(p).toMatchObject({
      clientId: 'svc',
      subject: 'svc-sub',
      issuer: 'https://id.example',
      audience: ['api'],
      token: 'tok',
      expiresAt: new Date(2_000_000_000_000),
    });
    expect([...p.scopes]).toEqual(['read', 'write']);
    expect([...p.permissions]).toEqual(['admin']);
  });

  it('has no expiresAt, subject or audience when the claims lack them', () => {
    const p = createPrincipal({ sub: 42, aud: 7 } as never, 'tok', 'iss', []);
    expect(p.expiresAt).toBeUndefined();
    expect(p.subject).toBeUndefined();
    expect(p.audience).toEqual([]);
  });

  it('is frozen, and copies the claims and audience', () => {
    const aud = ['a', 'b'];
    const source = { ...claims, aud };
    const p = createPrincipal(source, 'tok', 'iss', []);
    aud.push('c');
    source.scope = 'admin';
    expect(p.audience).toEqual(['a', 'b']);
    expect(p.claims.scope).toBe('read write');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.claims)).toBe(true);
  });
});

describe('scopesOf', () => {
  it.each([
    [{ scope: 'a b  c ' }, ['a', 'b', 'c']],
    [{ scp: 'a b' }, ['a', 'b']],
    [{ scp: ['a', '', 3, 'b'] }, ['a', 'b']],
    [{ scope: 'a', scp: ['a', 'b'] }, ['a', 'b']],
    [{ scope: 42 }, []],
    [{}, []],
  ])('%j → %j', (claims, expected) => {
    expect([...scopesOf(claims as never)]).toEqual(expected);
  });
});
