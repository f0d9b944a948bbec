import { ConfigurationError } from '../errors.js';

/** The kind of key a PEM holds, read from its DER without importing it. */
export type PemKeyKind =
  | { kty: 'RSA'; pss: boolean }
  | { kty: 'EC'; crv: 'P-256' | 'P-384' | 'P-521' }
  | { kty: 'OKP'; crv: 'Ed25519' };

/** A private key PEM, checked and normalized to PKCS#8. */
export interface ParsedPem {
  /** A PKCS#8 PEM (`BEGIN PRIVATE KEY`), re-encoded from a PKCS#1 or SEC1 one when needed. */
  pkcs8: string;
  key: PemKeyKind;
}

// DER encodings of the object identifiers we recognize (value bytes only, as hex).
const RSA_ENCRYPTION = '2a864886f70d010101'; // 1.2.840.113549.1.1.1
const RSASSA_PSS = '2a864886f70d01010a'; // 1.2.840.113549.1.1.10
const EC_PUBLIC_KEY = '2a8648ce3d0201'; // 1.2.840.10045.2.1
const ED25519 = '2b6570'; // 1.3.101.112
const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  '2a8648ce3d030107': 'P-256', // 1.2.840.10045.3.1.7
  '2b81040022': 'P-384', // 1.3.132.0.34
  '2b81040023': 'P-521', // 1.3.132.0.35
};
const UNSUPPORTED: Record<string, string> = {
  '2b6571': 'Ed448',
  '2b656e': 'X25519',
  '2b656f': 'X448',
  '2b8104000a': 'secp256k1',
};

function fail(why: string): never {
  throw new ConfigurationError(`privateKey is not a usable PEM private key: ${why}`);
}

interface Tlv {
  tag: number;
  /** First byte of the contents. */
  start: number;
  /** One past the last byte of the contents. */
  end: number;
}

/** Reads one DER tag-length-value at `offset`, within `limit`. */
function tlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) fail('truncated DER');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) fail('invalid DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start++]!;
  }
  if (start + length > limit) fail('truncated DER');
  return { tag, start, end: start + length };
}

function read(der: Uint8Array, offset: number, tag: number, limit: number, what: string): Tlv {
  const t = tlv(der, offset, limit);
  if (t.tag !== tag) fail(`expected ${what}`);
  return t;
}

const hex = (der: Uint8Array, t: Tlv): string =>
  Array.from(der.subarray(t.start, t.end), (b) => b.toString(16).padStart(2, '0')).join('');

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 | bytes.length, ...bytes];
}

function encode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const head = [tag, ...encodeLength(length)];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let offset = head.length;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const fromHex = (value: string) => Uint8Array.from(value.match(/../g) ?? [], (b) => parseInt(b, 16));

/** PKCS#8 `PrivateKeyInfo` (version 0) around a PKCS#1 or SEC1 key; `algorithm` the identifier's fields. */
function wrap(algorithm: Uint8Array[], key: Uint8Array): Uint8Array {
  return encode(0x30, fromHex('020100'), encode(0x30, ...algorithm), encode(0x04, key));
}

function decodeBase64(body: string): Uint8Array {
  const compact = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) fail('invalid base64');
  let binary: string;
  try {
    binary = atob(compact);
  } catch {
    return fail('invalid base64');
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toPem(der: Uint8Array): string {
  let binary = '';
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** Reads the key kind of a PKCS#8 `PrivateKeyInfo`. */
function pkcs8Kind(der: Uint8Array): PemKeyKind {
  const outer = read(der, 0, 0x30, der.length, 'a PKCS#8 SEQUENCE');
  if (outer.end !== der.length) fail('trailing bytes after the key');
  const version = read(der, outer.start, 0x02, outer.end, 'a PKCS#8 version');
  const algorithm = read(der, version.end, 0x30, outer.end, 'a PKCS#8 AlgorithmIdentifier');
  const oid = read(der, algorithm.start, 0x06, algorithm.end, 'an algorithm OID');
  const key = read(der, algorithm.end, 0x04, outer.end, 'a PKCS#8 private key OCTET STRING');
  if (key.end === key.start) fail('empty private key');
  const id = hex(der, oid);
  switch (id) {
    case RSA_ENCRYPTION:
      return { kty: 'RSA', pss: false };
    case RSASSA_PSS:
      return { kty: 'RSA', pss: true };
    case ED25519:
      return { kty: 'OKP', crv: 'Ed25519' };
    case EC_PUBLIC_KEY: {
      if (oid.end >= algorithm.end) fail('an EC key without its curve');
      const curve = read(der, oid.end, 0x06, algorithm.end, 'an EC curve OID');
      const crv = CURVES[hex(der, curve)];
      if (!crv) fail(`unsupported EC curve ${UNSUPPORTED[hex(der, curve)] ?? ''}`.trim());
      return { kty: 'EC', crv: crv };
    }
    default:
      return fail(`unsupported key type ${UNSUPPORTED[id] ?? `(algorithm OID ${id})`}`);
  }
}

/** A SEC1 `ECPrivateKey` as PKCS#8: the curve comes from its `[0]` parameters. */
function sec1ToPkcs8(der: Uint8Array): Uint8Array {
  const outer = read(der, 0, 0x30, der.length, 'an ECPrivateKey SEQUENCE');
  if (outer.end !== der.length) fail('trailing bytes after the key');
  const version = read(der, outer.start, 0x02, outer.end, 'an ECPrivateKey version');
  let at = read(der, version.end, 0x04, outer.end, 'an ECPrivateKey private key').end;
  while (at < outer.end) {
    const field = tlv(der, at, outer.end);
    if (field.tag === 0xa0) {
      const curve = read(der, field.start, 0x06, field.end, 'an EC curve OID');
      return wrap(
        [encode(0x06, fromHex(EC_PUBLIC_KEY)), encode(0x06, der.subarray(curve.start, curve.end))],
        der,
      );
    }
    at = field.end;
  }
  return fail(
    'an EC PRIVATE KEY without its curve parameters; convert it with `openssl pkcs8 -topk8 -nocrypt`',
  );
}

/**
 * Checks a PEM private key without importing it (synchronously, with no crypto), reads its key type
 * from the DER (the PKCS#8 AlgorithmIdentifier and curve OIDs) and returns it as PKCS#8. Accepts PKCS#8
 * (`BEGIN PRIVATE KEY`), PKCS#1 (`BEGIN RSA PRIVATE KEY`) and SEC1 (`BEGIN EC PRIVATE KEY`); refuses
 * encrypted keys.
 *
 * @throws ConfigurationError naming `privateKey` (never repeating the key).
 */
export function parsePrivateKeyPem(pem: string): ParsedPem {
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!block) return fail('no "-----BEGIN PRIVATE KEY-----" block');
  const label = block[1]!;
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block[2]!)) {
    return fail('encrypted keys are not supported; decrypt it with `openssl pkcs8 -topk8 -nocrypt`');
  }
  const body = block[2]!.replace(/^[A-Za-z-]+:.*$/gm, '');
  const der = decodeBase64(body);
  let pkcs8: Uint8Array;
  switch (label) {
    case 'PRIVATE KEY':
      pkcs8 = der;
      break;
    case 'RSA PRIVATE KEY': {
      const outer = read(der, 0, 0x30, der.length, 'an RSAPrivateKey SEQUENCE');
      if (outer.end !== der.length) fail('trailing bytes after the key');
      // AlgorithmIdentifier { rsaEncryption, NULL }
      pkcs8 = wrap([encode(0x06, fromHex(RSA_ENCRYPTION)), fromHex('0500')], der);
      break;
    }
    case 'EC PRIVATE KEY':
      pkcs8 = sec1ToPkcs8(der);
      break;
    default:
      return fail(`a "${label}" block holds no private key`);
  }
  return { pkcs8: label === 'PRIVATE KEY' ? block[0] : toPem(pkcs8), key: pkcs8Kind(pkcs8) };
}

/** The JWS algorithms a key of this kind can sign with; the first is the default. */
export function algorithmsFor(key: PemKeyKind): readonly string[] {
  switch (key.kty) {
    case 'RSA':
      return key.pss ? ['PS256', 'PS384', 'PS512'] : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return [{ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[key.crv]];
    case 'OKP':
      return ['EdDSA', 'Ed25519'];
  }
}
