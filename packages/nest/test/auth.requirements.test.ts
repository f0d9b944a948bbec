import { ConfigurationError } from '@m2m-auth/core';
import { ClientPermission, Permissions, RequireScope, Scopes, type RequirementValue } from '@m2m-auth/nest';
import { describe, expect, it } from 'vitest';
import { parseRequirement } from '../src/auth.requirements.js';

describe('requirement arguments', () => {
  it.each([
    ['RequireScope()', () => RequireScope(), /RequireScope: name at least one scope/],
    ['RequireScope([])', () => RequireScope([]), /RequireScope: name at least one scope/],
    ["RequireScope('')", () => RequireScope(''), /each scope must be a non-empty string or a function/],
    ["RequireScope('a b')", () => RequireScope('a b'), /scope 'a b' contains whitespace/],
    [
      "RequireScope(['a'], { mode: 'some' })",
      () => RequireScope(['a'], { mode: 'some' as 'any' }),
      /RequireScope: options.mode must be 'all' or 'any'/,
    ],
    [
      'ClientPermission(5)',
      () => ClientPermission(5 as unknown as RequirementValue),
      /ClientPermission: each permission must be/,
    ],
    ['@Scopes()', () => Scopes(), /@Scopes: name at least one scope/],
    ['@Permissions([], {})', () => Permissions([], {}), /@Permissions: name at least one permission/],
  ])('%s is refused when declared', (_name, declare, message) => {
    expect(declare).toThrow(ConfigurationError);
    expect(declare).toThrow(message);
  });
});

describe('parseRequirement', () => {
  const fn: RequirementValue = (request) => `project-${request.params?.id ?? ''}`;

  it('takes the values, every one required', () => {
    expect(parseRequirement('scope', 'RequireScope', ['a', 'project-{id}', fn])).toEqual({
      kind: 'scope',
      values: ['a', 'project-{id}', fn],
      mode: 'all',
      origin: 'RequireScope',
    });
  });

  it('takes an array of values followed by options', () => {
    expect(parseRequirement('permission', '@Permissions', [['a', 'b'], { mode: 'any' }])).toEqual({
      kind: 'permission',
      values: ['a', 'b'],
      mode: 'any',
      origin: '@Permissions',
    });
  });

  it('refuses more arguments after an array of values', () => {
    expect(() => parseRequirement('scope', '@Scopes', [['a'], {}, {}])).toThrow(
      '@Scopes: pass the values, or an array of values and options',
    );
  });

  it('refuses options that are not an object', () => {
    expect(() => parseRequirement('scope', '@Scopes', [['a'], 'any'])).toThrow(
      '@Scopes: options must be an object',
    );
  });

  it('checks template strings like any fixed value: no whitespace', () => {
    expect(() => parseRequirement('scope', 'RequireScope', ['project-{id} x'])).toThrow(ConfigurationError);
  });
});
