import { describe, expect, it } from 'vitest';
import { isVerifier, sharedVerifier } from '../../src/authorize/shared-verifier.js';
import { ConfigurationError } from '../../src/errors.js';
import { createVerifier } from '../../src/verify/create-verifier.js';

const options = () => ({ issuer: 'https://id.example', audience: 'api' });

describe('isVerifier', () => {
  it('tells a verifier from verifier options', () => {
    expect(isVerifier(createVerifier(options()))).toBe(true);
    expect(isVerifier(options())).toBe(false);
    expect(isVerifier(null)).toBe(false);
    expect(isVerifier({ verify: 'no' })).toBe(false);
  });
});

describe('sharedVerifier', () => {
  it('returns a verifier passed in', () => {
    const verifier = createVerifier(options());
    expect(sharedVerifier(verifier)).toBe(verifier);
  });

  it('builds one verifier per options object, shared by every caller given that object', () => {
    const auth = options();
    const first = sharedVerifier(auth);
    expect(sharedVerifier(auth)).toBe(first);
    expect(first.audiences).toEqual(['api']);
    // Another object, even with the same values: another verifier.
    expect(sharedVerifier(options())).not.toBe(first);
  });

  it('refuses invalid options every time, remembering nothing', () => {
    const bad = { issuer: 'https://id.example', audience: '' };
    expect(() => sharedVerifier(bad)).toThrow(ConfigurationError);
    expect(() => sharedVerifier(bad)).toThrow(/audience/);
  });
});
