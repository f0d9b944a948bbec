/** The asymmetric JWS algorithms a verifier may allow. HMAC and `none` are not among them. */
export type AsymmetricAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/** Every asymmetric algorithm m2m-auth verifies; the default allow-list. */
export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

const KEY_TYPE: Record<AsymmetricAlgorithm, { kty: string; crv?: readonly string[] }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
  Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
};

export function isAsymmetricAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(KEY_TYPE, alg);
}

/** Whether a JWK can verify a signature made with `alg` (key type, curve and the key's own `alg`). */
export function keyFitsAlgorithm(
  jwk: { kty?: unknown; crv?: unknown; alg?: unknown; use?: unknown },
  alg: AsymmetricAlgorithm,
): boolean {
  const want = KEY_TYPE[alg];
  if (jwk.kty !== want.kty) return false;
  if (want.crv && !want.crv.includes(jwk.crv as string)) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.alg !== undefined && jwk.alg !== alg && !(alg === 'Ed25519' && jwk.alg === 'EdDSA')) return false;
  return true;
}
