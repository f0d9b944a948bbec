import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHMS, isAsymmetricAlgorithm, keyFitsAlgorithm } from '../../src/verify/algorithms.js';

describe('algorithms', () => {
  it('allows only asymmetric algorithms', () => {
    for (const alg of DEFAULT_ALGORITHMS) expect(isAsymmetricAlgorithm(alg)).toBe(true);
    for (const alg of [
      'none',
      'HS256',
      'HS512',
      'rs256',
      'RSA-OAEP',
      '',
      undefined,
      1,
      'toString',
      '__proto__',
    ]) {
      expect(isAsymmetricAlgorithm(alg)).toBe(false);
    }
  });

  it('defaults to the RSA, RSA-PSS, ECDSA and EdDSA families', () => {
    expect([...DEFAULT_ALGORITHMS].sort()).toEqual(
      [
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
        'Ed25519',
        'PS256',
        'PS384',
        'PS512',
        'RS256',
        'RS384',
        'RS512',
      ].sort(),
    );
    expect(Object.isFrozen(DEFAULT_ALGORITHMS)).toBe(true);
  });

  it.each([
    [{ kty: 'RSA' }, 'RS256', true],
    [{ kty: 'RSA' }, 'PS512', true],
    [{ kty: 'RSA' }, 'ES256', false],
    [{ kty: 'EC', crv: 'P-256' }, 'ES256', true],
    [{ kty: 'EC', crv: 'P-384' }, 'ES256', false],
    [{ kty: 'EC', crv: 'P-521' }, 'ES512', true],
    [{ kty: 'OKP', crv: 'Ed25519' }, 'EdDSA', true],
    [{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' }, 'Ed25519', true],
    [{ kty: 'OKP', crv: 'X25519' }, 'EdDSA', false],
    [{ kty: 'RSA', alg: 'RS256' }, 'PS256', false],
    [{ kty: 'RSA', use: 'enc' }, 'RS256', false],
    [{ kty: 'oct' }, 'RS256', false],
  ] as const)('key %j fits %s: %s', (jwk, alg, fits) => {
    expect(keyFitsAlgorithm(jwk, alg)).toBe(fits);
  });
});
