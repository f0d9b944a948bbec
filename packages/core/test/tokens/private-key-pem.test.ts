import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCredentials, ConfigurationError } from '@m2m-auth/core';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';

/** Key pairs for `private_key_jwt`, each exported as a PEM the way operators usually hold them. */
interface Case {
  name: string;
  pem: string;
  publicKey: KeyObject;
  alg: string;
}

function pair(type: 'rsa' | 'ec' | 'ed25519', namedCurve?: string) {
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (type === 'ec') return generateKeyPairSync('ec', { namedCurve: namedCurve! });
  return generateKeyPairSync('ed25519');
}

function cases(): Case[] {
  const rsa = pair('rsa');
  const p256 = pair('ec', 'P-256');
  const p384 = pair('ec', 'P-384');
  const p521 = pair('ec', 'P-521');
  const ed = pair('ed25519');
  const pkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
  return [
    { name: 'RSA (PKCS#8)', pem: pkcs8(rsa.privateKey), publicKey: rsa.publicKey, alg: 'RS256' },
    {
      name: 'RSA (PKCS#1, BEGIN RSA PRIVATE KEY)',
      pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      publicKey: rsa.publicKey,
      alg: 'RS256',
    },
    { name: 'EC P-256 (PKCS#8)', pem: pkcs8(p256.privateKey), publicKey: p256.publicKey, alg: 'ES256' },
    { name: 'EC P-384 (PKCS#8)', pem: pkcs8(p384.privateKey), publicKey: p384.publicKey, alg: 'ES384' },
    { name: 'EC P-521 (PKCS#8)', pem: pkcs8(p521.privateKey), publicKey: p521.publicKey, alg: 'ES512' },
    {
      name: 'EC P-384 (SEC1, BEGIN EC PRIVATE KEY)',
      pem: p384.privateKey.export({ type: 'sec1', format: 'pem' }) as string,
      publicKey: p384.publicKey,
      alg: 'ES384',
    },
    { name: 'Ed25519 (PKCS#8)', pem: pkcs8(ed.privateKey), publicKey: ed.publicKey, alg: 'Ed25519' },
  ];
}

let issuer: TestIssuer;
const all = cases();
const seenAlgs = new Map<string, string>();

beforeAll(async () => {
  issuer = await startTestIssuer({
    clients: all.map((c, i) => ({ clientId: `keyed-${i}`, publicKey: c.publicKey, scopes: ['read'] })),
  });
});
afterAll(() => issuer.close());

describe('private_key_jwt with a PEM key (against the embedded issuer)', () => {
  it.each(all.map((c, i) => [c.name, i] as const))(
    '%s: the algorithm is inferred from the key; the issuer accepts the assertion',
    async (_name, i) => {
      const c = all[i]!;
      const source = new ClientCredentials({
        issuer: issuer.issuer,
        clientId: `keyed-${i}`,
        privateKey: c.pem,
        scope: 'read',
        fetch: async (input, init) => {
          const raw = init?.body;
          const body = new URLSearchParams(
            raw instanceof Uint8Array ? new TextDecoder().decode(raw) : (raw as string | URLSearchParams),
          );
          const assertion = body.get('client_assertion');
          if (assertion) seenAlgs.set(`keyed-${i}`, decodeProtectedHeader(assertion).alg ?? '');
          return fetch(input, init);
        },
      });
      const token = await source.getToken();
      expect(token.type).toBe('Bearer');
      expect(seenAlgs.get(`keyed-${i}`)).toBe(c.alg);
      source.close();
    },
  );

  it('privateKeyAlg picks another algorithm the key suits (PS256 with an RSA key)', async () => {
    const i = all.findIndex((c) => c.name === 'RSA (PKCS#8)');
    const source = new ClientCredentials({
      issuer: issuer.issuer,
      clientId: `keyed-${i}`,
      privateKey: all[i]!.pem,
      privateKeyAlg: 'PS256',
      scope: 'read',
    });
    await expect(source.getToken()).resolves.toMatchObject({ type: 'Bearer' });
  });
});

describe('a PEM private key is checked at construction', () => {
  const base = { tokenEndpoint: 'https://id.example/token', clientId: 'c' };
  const rsa = all[0]!.pem;
  const body = rsa.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const wrap = (label: string, b64: string) =>
    `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
  const publicPem = all[0]!.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  it.each([
    ['truncated', wrap('PRIVATE KEY', body.slice(0, 200)), /truncated DER|invalid base64/],
    ['not base64', wrap('PRIVATE KEY', `${body.slice(0, 40)}!!!!${body.slice(44)}`), /invalid base64/],
    [
      'garbage DER',
      wrap('PRIVATE KEY', btoa('hello, this is not a key at all'.repeat(5))),
      /expected a PKCS#8 SEQUENCE/,
    ],
    [
      'no END line',
      rsa.replace(/-----END PRIVATE KEY-----\s*$/, ''),
      /no "-----BEGIN PRIVATE KEY-----" block/,
    ],
    ['a public key', publicPem, /"PUBLIC KEY" block holds no private key/],
    ['an encrypted key', wrap('ENCRYPTED PRIVATE KEY', body), /encrypted keys are not supported/],
    ['an X25519 key', x25519, /unsupported key type X25519/],
  ])('%s: ConfigurationError naming privateKey, without the key', (_name, pem, message) => {
    let error: unknown;
    try {
      new ClientCredentials({ ...base, privateKey: pem });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^privateKey is not a usable PEM private key/);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(body.slice(20, 60));
  });

  it('refuses a privateKeyAlg the key cannot sign with', () => {
    const p256 = all.find((c) => c.name === 'EC P-256 (PKCS#8)')!.pem;
    expect(() => new ClientCredentials({ ...base, privateKey: p256, privateKeyAlg: 'ES384' })).toThrow(
      /privateKeyAlg ES384 does not suit a P-256 key \(use ES256\)/,
    );
    expect(() => new ClientCredentials({ ...base, privateKey: rsa, privateKeyAlg: 'ES256' })).toThrow(
      /privateKeyAlg ES256 does not suit an RSA key/,
    );
  });
});
