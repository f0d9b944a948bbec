import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import {
  nonEmptyStrings,
  optionalBoolean,
  optionalFunction,
  optionalString,
  optionsObject,
  positiveNumber,
} from '../../src/lib/options.js';

describe('option checks', () => {
  it('positiveNumber takes the fallback, refuses zero unless allowed, and names the option', () => {
    expect(positiveNumber(undefined, 'timeout', 5000)).toBe(5000);
    expect(positiveNumber(0, 'cooldown', 1, true)).toBe(0);
    expect(() => positiveNumber(0, 'timeout', 1)).toThrow(
      new ConfigurationError('timeout must be a positive number'),
    );
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(() => positiveNumber(bad, 'cooldown', 1, true)).toThrow(
        'cooldown must be a non-negative number',
      );
    }
  });

  it('optionalBoolean, optionalFunction and optionalString refuse other types', () => {
    expect(optionalBoolean(undefined, 'x')).toBe(false);
    expect(optionalBoolean(true, 'x')).toBe(true);
    expect(() => optionalBoolean('true', 'passErrors')).toThrow('passErrors must be a boolean');
    const fn = () => 1;
    expect(optionalFunction(fn, 'f')).toBe(fn);
    expect(() => optionalFunction({}, 'onRejection')).toThrow('onRejection must be a function');
    expect(optionalString('tables', 'realm')).toBe('tables');
    expect(() => optionalString('  ', 'realm')).toThrow('realm must be a non-empty string');
    expect(() => optionalString(1, 'realm')).toThrow(ConfigurationError);
  });

  it('optionsObject refuses arrays, null and primitives', () => {
    expect(() => optionsObject(undefined, 'o')).not.toThrow();
    expect(() => optionsObject({}, 'o')).not.toThrow();
    for (const bad of [null, [], 'x', 1])
      expect(() => optionsObject(bad, 'options')).toThrow('options must be an object');
  });

  it('nonEmptyStrings wraps a string and refuses empty lists and values', () => {
    expect(nonEmptyStrings('a', 'audience')).toEqual(['a']);
    expect(nonEmptyStrings(['a', 'b'], 'audience')).toEqual(['a', 'b']);
    for (const bad of [[], [''], ['a', 1], '', undefined]) {
      expect(() => nonEmptyStrings(bad, 'audience')).toThrow(
        'audience must be a non-empty string or array of strings',
      );
    }
  });
});
