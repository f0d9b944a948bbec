import { describe, expect, it } from 'vitest';
import { checkFixedValue, isValueList, matchMode } from '../../src/authorize/required-values.js';
import { ConfigurationError } from '../../src/errors.js';

describe('matchMode', () => {
  it.each(['all', 'any'] as const)('accepts %s', (mode) => {
    expect(matchMode(mode, 'x')).toBe(mode);
  });

  it.each(['some', 'ALL', '', null, undefined, 1])('refuses %j instead of widening it to any', (mode) => {
    expect(() => matchMode(mode, 'requireScope: options.mode')).toThrow(
      new ConfigurationError("requireScope: options.mode must be 'all' or 'any'"),
    );
  });
});

describe('checkFixedValue', () => {
  it('accepts a non-empty value without whitespace', () => {
    expect(() => checkFixedValue('project-{id}', 'o', 'scope')).not.toThrow();
  });

  it.each(['', '  ', '\t', 5, null, undefined, ['a']])('refuses %j as not a value', (value) => {
    expect(() => checkFixedValue(value, '@Scopes', 'scope')).toThrow(
      '@Scopes: each scope must be a non-empty string or a function',
    );
  });

  it.each(['a b', 'a\tb', ' a', 'a\n'])('refuses %j: a declared value holds no whitespace', (value) => {
    expect(() => checkFixedValue(value, 'requirePermission', 'permission')).toThrow(
      `requirePermission: permission '${value}' contains whitespace`,
    );
  });
});

describe('isValueList', () => {
  it('accepts a non-empty list of non-empty strings, whitespace included (it comes from the request)', () => {
    expect(isValueList(['a'])).toBe(true);
    expect(isValueList(['a', ' ', '\t'])).toBe(true);
  });

  it.each([[[]], [['']], [['a', '']], [['a', 1]], ['a'], [undefined], [null]])('refuses %j', (value) => {
    expect(isValueList(value)).toBe(false);
  });
});
