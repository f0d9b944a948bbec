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

  it('is frozen, and so are the claims it takes over, and the audience', () => {
    const source = { ...claims, aud: ['a', 'b'] };
    const p = createPrincipal(source, 'tok', 'iss', []);
    expect(p.claims).toBe(source); // taken over, not copied: a cache miss costs no deep copy
    expect(() => {
      source.scope = 'admin';
    }).toThrow(TypeError);
    expect(() => source.aud.push('c')).toThrow(TypeError);
    expect(() => (p.audience as string[]).push('c')).toThrow(TypeError);
    expect(p.audience).toEqual(['a', 'b']);
    expect(p.claims.scope).toBe('read write');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.claims)).toBe(true);
  });
});

describe('createPrincipal: nothing can be changed for later requests', () => {
  const claims = {
    iss: 'https://id.example',
    aud: ['api'],
    exp: 2_000_000_000,
    client_id: 'svc',
    scope: 'read',
    resource_access: { api: { roles: ['viewer'] } },
  };

  it('scopes and permissions are read-only sets, not Sets that a cast could change', () => {
    const p = createPrincipal(claims, 'tok', 'iss', ['viewer']);
    expect(() => (p.scopes as Set<string>).add('admin')).toThrow(TypeError);
    expect(() => (p.permissions as Set<string>).add('AdministerClients')).toThrow(TypeError);
    expect(() => (p.scopes as Set<string>).clear()).toThrow(TypeError);
    expect(() => Set.prototype.add.call(p.scopes, 'admin')).toThrow(TypeError);
    expect(() => Set.prototype.delete.call(p.permissions, 'viewer')).toThrow(TypeError);
    expect(p.scopes.has('admin')).toBe(false);
    expect([...p.scopes]).toEqual(['read']);
    expect([...p.permissions]).toEqual(['viewer']);
    expect(Object.isFrozen(p.scopes)).toBe(true);
  });

  it('still reads like a set: size, has, iteration, forEach, entries, JSON', () => {
    const p = createPrincipal({ ...claims, scope: 'a b' }, 'tok', 'iss', []);
    expect(p.scopes.size).toBe(2);
    expect(p.scopes.has('a')).toBe(true);
    expect([...p.scopes.keys()]).toEqual(['a', 'b']);
    expect([...p.scopes.entries()]).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
    const seen: string[] = [];
    p.scopes.forEach((v) => seen.push(v));
    expect(seen).toEqual(['a', 'b']);
    expect(JSON.parse(JSON.stringify({ scopes: p.scopes })) as unknown).toEqual({ scopes: ['a', 'b'] });
  });

  it('freezes the claims at every level', () => {
    const source = structuredClone(claims);
    const p = createPrincipal(source, 'tok', 'iss', []);
    const nested = p.claims.resource_access as { api: { roles: string[] } };
    expect(() => source.resource_access.api.roles.push('admin')).toThrow(TypeError);
    expect(() => nested.api.roles.push('admin')).toThrow(TypeError);
    expect(() => {
      nested.api.roles = ['admin'];
    }).toThrow(TypeError);
    expect(() => (p.claims.aud as string[]).push('other')).toThrow(TypeError);
    expect(Object.isFrozen(p.claims.resource_access)).toBe(true);
    expect(nested.api.roles).toEqual(['viewer']);
  });

  it('keeps a __proto__ claim as plain data', () => {
    const parsed = JSON.parse('{"exp":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const p = createPrincipal(parsed, 'tok', 'iss', []);
    expect(Object.getPrototypeOf(p.claims)).toBe(Object.prototype);
    expect((p.claims as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(p.claims)).toEqual(['exp', '__proto__']);
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
