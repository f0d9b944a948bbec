import { describe, expect, it } from 'vitest';
import { defineRequirement, resolveRequirement } from '../../src/authorize/requirement.js';
import { ConfigurationError } from '../../src/errors.js';

type Req = { params: Record<string, string>; query?: string };

describe('defineRequirement', () => {
  it('returns the requirement, frozen, mode all by default', () => {
    const requirement = defineRequirement<[Req]>('scope', 'requireScope', ['read', 'project-{id}']);
    expect(requirement).toEqual({
      kind: 'scope',
      values: ['read', 'project-{id}'],
      mode: 'all',
      origin: 'requireScope',
    });
    expect(Object.isFrozen(requirement)).toBe(true);
    expect(Object.isFrozen(requirement.values)).toBe(true);
  });

  it('copies the values: changing the caller’s array later changes nothing', () => {
    const values = ['read'];
    const requirement = defineRequirement('scope', 'o', values, { mode: 'any' });
    values.push('write');
    expect(requirement.values).toEqual(['read']);
    expect(requirement.mode).toBe('any');
  });

  it.each<[string, readonly unknown[], unknown, string]>([
    ['no value', [], undefined, 'RequireScope: name at least one scope'],
    ['an empty value', [''], undefined, 'RequireScope: each scope must be a non-empty string or a function'],
    ['a blank value', ['  '], undefined, 'each scope must be a non-empty string or a function'],
    ['a number', ['a', 7], undefined, 'each scope must be a non-empty string or a function'],
    ['whitespace', ['read write'], undefined, "RequireScope: scope 'read write' contains whitespace"],
    ['options not an object', ['a'], 'any', 'RequireScope: options must be an object'],
    ['an unknown mode', ['a'], { mode: 'some' }, "RequireScope: options.mode must be 'all' or 'any'"],
  ])('refuses %s when declared, naming the origin', (_name, values, options, message) => {
    const define = () => defineRequirement('scope', 'RequireScope', values as never, options as never);
    expect(define).toThrow(ConfigurationError);
    expect(define).toThrow(message);
  });

  it('names the kind in its messages', () => {
    expect(() => defineRequirement('permission', '@Permissions', [])).toThrow(
      '@Permissions: name at least one permission',
    );
  });

  it('accepts functions next to fixed values', () => {
    const fn = () => 'x';
    expect(defineRequirement('scope', 'o', [fn, 'a']).values).toEqual([fn, 'a']);
  });
});

describe('resolveRequirement', () => {
  const req: Req = { params: { id: '45c0' }, query: 'a,b' };

  it('takes fixed values as they are, calls functions with the arguments and flattens their lists', () => {
    const requirement = defineRequirement<[Req, string]>('scope', 'o', [
      'read',
      (r, extra) => `project-${r.params.id}-${extra}`,
      (r) => (r.query ?? '').split(','),
    ]);
    expect(resolveRequirement(requirement, [req, 'x'])).toEqual(['read', 'project-45c0-x', 'a', 'b']);
  });

  it('fills {name} placeholders from the route parameters only when given them', () => {
    const requirement = defineRequirement<[Req]>('scope', 'o', ['project-{id}']);
    expect(resolveRequirement(requirement, [req], req.params)).toEqual(['project-45c0']);
    expect(resolveRequirement(requirement, [req])).toEqual(['project-{id}']);
    expect(() => resolveRequirement(requirement, [req], {})).toThrow("o: the route has no parameter 'id'");
  });

  it.each([[[]], [''], [['a', '']], [undefined], [42], [['a', 5]]])(
    'refuses a function result %j: a 500, never a pass',
    (out) => {
      const requirement = defineRequirement<[Req]>('permission', 'requirePermission', [() => out as string]);
      const resolve = () => resolveRequirement(requirement, [req]);
      expect(resolve).toThrow(ConfigurationError);
      expect(resolve).toThrow(
        'requirePermission: a permission function must return a non-empty string or a non-empty array of them',
      );
    },
  );

  it('lets a computed whitespace value through (it matches nothing: a 403)', () => {
    const requirement = defineRequirement<[Req]>('scope', 'o', [() => ' ']);
    expect(resolveRequirement(requirement, [req])).toEqual([' ']);
  });
});
