/**
 * The bad-token corpus: every way a token or an Authorization header can be wrong, sent over real HTTP
 * to an Express app protected by @m2m-auth/express, with keys from a real oidc-provider. Each case
 * asserts the status, the RFC 6750 challenge, the JSON body and the rejection reason.
 *
 * The app reads its keys from a JWKS on 127.0.0.1 that serves the provider's own JWKS (fetched per
 * request) plus one EC P-256 key, so that the ECDSA cases reach a real ECDSA signature check instead of
 * being refused earlier for want of an EC key.
 */
import { createHmac, createPrivateKey, createPublicKey, createSign } from 'node:crypto';
import type { RejectionEvent } from '@m2m-auth/core';
import { requireAuth, requireScope } from '@m2m-auth/express';
import express from 'express';
import { CompactEncrypt, SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../support/listen.js';
import { startOidcProvider, type RunningProvider } from '../support/oidc-provider.js';
import { rawRequest } from '../support/raw-request.js';

const AUDIENCE = 'https://tables.example';
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

let op: RunningProvider;
let api: Listening;
let attacker: Listening;
let attackerHits = 0;
let goodToken: string;
let rejections: RejectionEvent[] = [];
let attackerKey: CryptoKey;
let attackerJwk: JWK;
let jwks: Listening;
let jwksHits = 0;
/** The issuer's EC P-256 signing key (private JWK with `kid`), published next to the RSA keys. */
let ecJwk: JWK & { kid: string };
/** Another P-256 key, not published. */
let otherEcJwk: JWK;

/** The order n of P-256: r = n or s = n is out of range, as r = 0 or s = 0 is. */
const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

/** The claims of a good token from the issuer, with `claims` on top. */
function usualClaims(claims: Record<string, unknown>): Record<string, unknown> {
  return {
    iss: op.issuer,
    aud: AUDIENCE,
    client_id: 'svc',
    sub: 'svc',
    scope: 'project-X read',
    iat: now(),
    exp: now() + 300,
    ...claims,
  };
}

/** An ES256 token over the usual claims, signed with `key` (the issuer's EC key by default). */
async function forgeEc(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key: JWK = ecJwk,
): Promise<string> {
  return new SignJWT(usualClaims(claims))
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ecJwk.kid, ...header })
    .sign(await importJWK(key, 'ES256'));
}

/** The signing input of an ES256 token naming the issuer's EC key, with `signature` put after it. */
function ecWithSignature(signature: Buffer, header: Record<string, unknown> = { kid: ecJwk.kid }): string {
  return `${b64({ alg: 'ES256', typ: 'at+jwt', ...header })}.${goodToken.split('.')[1]}.${signature.toString('base64url')}`;
}

/** A raw (r || s) ES256 signature converted to DER, the encoding JWS does not use. */
function toDer(raw: Buffer): Buffer {
  const integer = (bytes: Buffer) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let value = bytes.subarray(i);
    if (value[0]! & 0x80) value = Buffer.concat([Buffer.from([0]), value]);
    return Buffer.concat([Buffer.from([0x02, value.length]), value]);
  };
  const body = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

async function forge(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key: JWK = op.signingKey,
): Promise<string> {
  const signingKey = await importJWK(key, 'RS256');
  return new SignJWT(usualClaims(claims))
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header })
    .sign(signingKey);
}

/** `token` with `scope: 'read project-X'` written into its payload, its header and signature kept. */
function withScopeAdded(token: string): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  return `${h}.${b64({ ...claims, scope: 'read project-X' })}.${s}`;
}

/** Signs with the issuer key by hand, for headers jose refuses to produce. */
function signRaw(header: Record<string, unknown>, claims: Record<string, unknown> = {}): string {
  const input = `${b64(header)}.${b64({ iss: op.issuer, aud: AUDIENCE, exp: now() + 300, scope: 'project-X', client_id: 'svc', ...claims })}`;
  const key = createPrivateKey({ key: op.signingKey as never, format: 'jwk' });
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

function unsigned(alg: string): string {
  return `${b64({ alg, typ: 'JWT' })}.${b64({ iss: op.issuer, aud: AUDIENCE, exp: now() + 300, scope: 'project-X' })}.`;
}

function hmacWith(secret: string | Buffer): string {
  const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: op.signingKey.kid })}.${b64({
    iss: op.issuer,
    aud: AUDIENCE,
    exp: now() + 300,
    scope: 'project-X',
  })}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

interface Case {
  name: string;
  /** Path to call; default `/projects/X`. */
  path?: string;
  /** The whole Authorization header value(s); or a token (sent as `Bearer <token>`). */
  authorization?: () => Promise<string | string[] | undefined> | string | string[] | undefined;
  token?: () => Promise<string> | string;
  body?: string;
  contentType?: string;
  status: number;
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  reason?: RejectionEvent['reason'];
}

const challenge = (error?: string) =>
  error === undefined
    ? new RegExp(`^Bearer realm="${AUDIENCE}"$`)
    : new RegExp(`^Bearer realm="${AUDIENCE}", error="${error}", error_description="[^"\\\\]+"`);

const cases: Case[] = [
  // ── the request ───────────────────────────────────────────────────────────
  { name: 'no Authorization header', status: 401, reason: 'token_missing' },
  {
    name: 'another scheme (Basic)',
    authorization: () => 'Basic dXNlcjpwYXNz',
    status: 401,
    reason: 'token_missing',
  },
  {
    name: 'Bearer without a token',
    authorization: () => 'Bearer',
    status: 400,
    error: 'invalid_request',
    reason: 'header_malformed',
  },
  {
    name: 'Bearer followed by spaces only',
    authorization: () => 'Bearer    ',
    status: 400,
    error: 'invalid_request',
    reason: 'header_malformed',
  },
  {
    name: 'two tokens in one header',
    authorization: () => `Bearer ${goodToken} ${goodToken}`,
    status: 400,
    error: 'invalid_request',
    reason: 'header_malformed',
  },
  {
    name: 'two comma-separated credentials',
    authorization: () => `Bearer ${goodToken}, Bearer ${goodToken}`,
    status: 400,
    error: 'invalid_request',
    reason: 'header_malformed',
  },
  {
    name: 'two Authorization headers',
    authorization: () => [`Bearer ${goodToken}`, `Bearer ${goodToken}`],
    status: 400,
    error: 'invalid_request',
    reason: 'multiple_tokens',
  },
  {
    name: 'characters outside b64token',
    authorization: () => 'Bearer abc$def',
    status: 400,
    error: 'invalid_request',
    reason: 'header_malformed',
  },
  {
    name: 'token in the query string',
    path: '/projects/X?access_token=abc.def.ghi',
    status: 400,
    error: 'invalid_request',
    reason: 'query_token_disabled',
  },
  {
    name: 'token in the query and the header',
    path: '/projects/X?access_token=abc',
    token: () => goodToken,
    status: 400,
    error: 'invalid_request',
    reason: 'query_token_disabled',
  },
  {
    name: 'token in a form body',
    path: '/projects/X/rows',
    body: 'access_token=abc.def.ghi',
    contentType: 'application/x-www-form-urlencoded',
    status: 400,
    error: 'invalid_request',
    reason: 'body_token_disabled',
  },
  // ── shape ─────────────────────────────────────────────────────────────────
  {
    name: 'one segment',
    token: () => 'garbage',
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'two segments',
    token: () => goodToken.split('.').slice(0, 2).join('.'),
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'four segments',
    token: () => `${goodToken}.abc`,
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'empty signature segment',
    token: () => goodToken.split('.').slice(0, 2).join('.') + '.',
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'header is not JSON',
    token: () => `${b64('not json')}.${goodToken.split('.')[1]}.${goodToken.split('.')[2]}`,
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'payload is not JSON',
    token: () => `${goodToken.split('.')[0]}.${b64('{"iss":')}.${goodToken.split('.')[2]}`,
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'payload is a JSON array',
    token: () => `${goodToken.split('.')[0]}.${b64([1, 2])}.${goodToken.split('.')[2]}`,
    status: 401,
    error: 'invalid_token',
    reason: 'token_malformed',
  },
  {
    name: 'oversized token (10 KB)',
    token: async () => forge({ pad: 'x'.repeat(10_000) }),
    status: 401,
    error: 'invalid_token',
    reason: 'token_too_large',
  },
  {
    name: 'JWE (five segments) encrypted to the issuer key',
    token: async () =>
      new CompactEncrypt(
        new TextEncoder().encode(JSON.stringify({ iss: op.issuer, aud: AUDIENCE, exp: now() + 300 })),
      )
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
        .encrypt(createPublicKey({ key: op.signingKey as never, format: 'jwk' })),
    status: 401,
    error: 'invalid_token',
    reason: 'token_encrypted',
  },
  // ── algorithms ────────────────────────────────────────────────────────────
  {
    name: 'alg none',
    token: () => unsigned('none'),
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'alg None',
    token: () => unsigned('None'),
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'alg NONE',
    token: () => unsigned('NONE'),
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'alg nOnE',
    token: () => unsigned('nOnE'),
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'HS256 signed with the public key (PEM)',
    token: () =>
      hmacWith(
        createPublicKey({ key: op.signingKey as never, format: 'jwk' }).export({
          type: 'spki',
          format: 'pem',
        }),
      ),
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'HS256 signed with the public JWK',
    token: () => hmacWith(JSON.stringify({ kty: 'RSA', n: op.signingKey.n, e: op.signingKey.e })),
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'alg missing from the header',
    token: () => `${b64({ typ: 'JWT' })}.${goodToken.split('.')[1]}.${goodToken.split('.')[2]}`,
    status: 401,
    error: 'invalid_token',
    reason: 'algorithm_not_allowed',
  },
  {
    name: 'RS256 signature relabelled PS256',
    token: () =>
      `${b64({ alg: 'PS256', typ: 'at+jwt', kid: op.signingKey.kid })}.${goodToken.split('.')[1]}.${goodToken.split('.')[2]}`,
    status: 401,
    error: 'invalid_token',
    reason: 'key_mismatch',
  },
  {
    name: 'ECDSA zero signature (psychic signature) naming the RSA kid',
    token: () =>
      `${b64({ alg: 'ES256', kid: op.signingKey.kid })}.${goodToken.split('.')[1]}.${Buffer.alloc(64).toString('base64url')}`,
    status: 401,
    error: 'invalid_token',
    reason: 'key_mismatch',
  },
  // The issuer publishes an EC P-256 key: these reach the ECDSA signature check itself.
  {
    name: 'ECDSA zero signature (r = s = 0, psychic signature) naming the EC kid',
    token: () => ecWithSignature(Buffer.alloc(64)),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ECDSA zero signature without a kid (the EC key is the only ES256 candidate)',
    token: () => ecWithSignature(Buffer.alloc(64), {}),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ECDSA r = s = n (the curve order)',
    token: () => ecWithSignature(Buffer.concat([P256_ORDER, P256_ORDER])),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ECDSA r = 0 with the s of a real signature',
    token: async () => {
      const real = Buffer.from((await forgeEc()).split('.')[2]!, 'base64url');
      return ecWithSignature(Buffer.concat([Buffer.alloc(32), real.subarray(32)]));
    },
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ECDSA signature of 63 bytes',
    token: async () => {
      const real = Buffer.from((await forgeEc()).split('.')[2]!, 'base64url');
      return ecWithSignature(real.subarray(1));
    },
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ECDSA signature DER-encoded instead of r || s',
    token: async () => {
      const [h, p, sig] = (await forgeEc()).split('.');
      return `${h}.${p}.${toDer(Buffer.from(sig!, 'base64url')).toString('base64url')}`;
    },
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ES256 signed by another P-256 key, naming the issuer EC kid',
    token: () => forgeEc({}, {}, otherEcJwk),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ES256 tampered payload (scope added)',
    token: async () => withScopeAdded(await forgeEc({ scope: 'read' })),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'ES256 signature relabelled ES384 (P-256 key)',
    token: async () => {
      const [, p, sig] = (await forgeEc()).split('.');
      return `${b64({ alg: 'ES384', typ: 'at+jwt', kid: ecJwk.kid })}.${p}.${sig}`;
    },
    status: 401,
    error: 'invalid_token',
    reason: 'key_mismatch',
  },
  {
    name: 'RS256 header naming the EC kid',
    token: () =>
      `${b64({ alg: 'RS256', typ: 'at+jwt', kid: ecJwk.kid })}.${goodToken.split('.')[1]}.${goodToken.split('.')[2]}`,
    status: 401,
    error: 'invalid_token',
    reason: 'key_mismatch',
  },
  // ── keys ──────────────────────────────────────────────────────────────────
  {
    name: 'unknown kid (attacker key)',
    token: () => forge({}, {}, attackerJwk),
    status: 401,
    error: 'invalid_token',
    reason: 'unknown_kid',
  },
  {
    name: 'attacker key claiming the issuer kid',
    token: () => forge({}, {}, { ...attackerJwk, kid: op.signingKey.kid }),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'jku header injection',
    token: () => forge({}, { jku: `${attacker.url}/jwks`, kid: attackerJwk.kid }, attackerJwk),
    status: 401,
    error: 'invalid_token',
    reason: 'unknown_kid',
  },
  {
    name: 'x5u header injection',
    token: () => forge({}, { x5u: `${attacker.url}/cert.pem`, kid: attackerJwk.kid }, attackerJwk),
    status: 401,
    error: 'invalid_token',
    reason: 'unknown_kid',
  },
  {
    name: 'embedded jwk header (attacker public key)',
    token: async () =>
      new SignJWT({ iss: op.issuer, aud: AUDIENCE, exp: now() + 300, scope: 'project-X' })
        .setProtectedHeader({ alg: 'RS256', jwk: { kty: 'RSA', n: attackerJwk.n!, e: attackerJwk.e! } })
        .sign(attackerKey),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'unknown crit header',
    token: () =>
      signRaw({ alg: 'RS256', kid: op.signingKey.kid, crit: ['exp-policy'], 'exp-policy': 'lenient' }),
    status: 401,
    error: 'invalid_token',
    reason: 'unsupported_critical_header',
  },
  // ── integrity ─────────────────────────────────────────────────────────────
  {
    name: 'tampered payload (scope added)',
    token: async () => withScopeAdded(await forge({ scope: 'read' })),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'spliced signature from another token',
    token: async () => {
      const a = (await forge({ scope: 'project-X' })).split('.');
      const b = (await forge({ scope: 'read' })).split('.');
      return `${a[0]}.${a[1]}.${b[2]}`;
    },
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  {
    name: 'signature truncated',
    token: () => goodToken.slice(0, -8),
    status: 401,
    error: 'invalid_token',
    reason: 'signature_invalid',
  },
  // ── claims ────────────────────────────────────────────────────────────────
  {
    name: 'expired',
    token: () => forge({ exp: now() - 60, iat: now() - 360 }),
    status: 401,
    error: 'invalid_token',
    reason: 'token_expired',
  },
  {
    name: 'exp missing',
    token: () => forge({ exp: undefined }),
    status: 401,
    error: 'invalid_token',
    reason: 'claim_missing',
  },
  {
    name: 'exp as a string',
    token: () => forge({ exp: String(now() + 300) }),
    status: 401,
    error: 'invalid_token',
    reason: 'claim_invalid',
  },
  {
    name: 'not yet valid (nbf)',
    token: () => forge({ nbf: now() + 120 }),
    status: 401,
    error: 'invalid_token',
    reason: 'token_not_yet_valid',
  },
  {
    name: 'issued in the future (iat)',
    token: () => forge({ iat: now() + 120 }),
    status: 401,
    error: 'invalid_token',
    reason: 'iat_in_future',
  },
  {
    name: 'wrong issuer',
    token: () => forge({ iss: 'https://evil.example' }),
    status: 401,
    error: 'invalid_token',
    reason: 'issuer_mismatch',
  },
  {
    name: 'issuer with a trailing slash',
    token: () => forge({ iss: `${op.issuer}/` }),
    status: 401,
    error: 'invalid_token',
    reason: 'issuer_mismatch',
  },
  {
    name: 'issuer missing',
    token: () => forge({ iss: undefined }),
    status: 401,
    error: 'invalid_token',
    reason: 'issuer_mismatch',
  },
  {
    name: 'wrong audience',
    token: () => forge({ aud: 'https://other.example' }),
    status: 401,
    error: 'invalid_token',
    reason: 'audience_mismatch',
  },
  {
    name: 'audience missing',
    token: () => forge({ aud: undefined }),
    status: 401,
    error: 'invalid_token',
    reason: 'audience_mismatch',
  },
  {
    name: 'audience as prefix of ours',
    token: () => forge({ aud: 'https://tables.example.evil' }),
    status: 401,
    error: 'invalid_token',
    reason: 'audience_mismatch',
  },
  // ── authorization ─────────────────────────────────────────────────────────
  {
    name: 'scope that only has the required one as a prefix (project-X2)',
    token: () => forge({ scope: 'project-X2' }),
    status: 403,
    error: 'insufficient_scope',
    reason: 'scope_missing',
  },
  {
    name: 'scope that differs in case (project-x)',
    token: () => forge({ scope: 'project-x' }),
    status: 403,
    error: 'insufficient_scope',
    reason: 'scope_missing',
  },
  {
    name: 'scope as a substring (my-project-X)',
    token: () => forge({ scope: 'my-project-X' }),
    status: 403,
    error: 'insufficient_scope',
    reason: 'scope_missing',
  },
  {
    name: 'no scope at all',
    token: () => forge({ scope: undefined }),
    status: 403,
    error: 'insufficient_scope',
    reason: 'scope_missing',
  },
];

/** Cases that must pass: the controls that show the corpus is not rejecting everything. */
const controls: { name: string; authorization: () => Promise<string> | string; path?: string }[] = [
  { name: 'real token from oidc-provider', authorization: () => `Bearer ${goodToken}` },
  { name: 'scheme in lower case', authorization: () => `bearer ${goodToken}` },
  { name: 'scheme in upper case', authorization: () => `BEARER ${goodToken}` },
  {
    name: 'expired by less than the clock tolerance',
    authorization: async () => `Bearer ${await forge({ exp: now() - 2 })}`,
  },
  {
    name: 'audience array containing ours',
    authorization: async () => `Bearer ${await forge({ aud: ['x', AUDIENCE] })}`,
  },
  {
    name: 'hand-signed token (control for the crit case)',
    authorization: () => `Bearer ${signRaw({ alg: 'RS256', kid: op.signingKey.kid })}`,
  },
  {
    name: 'token signed by the previous, still published key',
    authorization: async () => `Bearer ${await forge({}, {}, op.previousKey)}`,
  },
  {
    name: 'ES256 token signed by the published EC key (control for the ECDSA cases)',
    authorization: async () => `Bearer ${await forgeEc()}`,
  },
  {
    name: 'ES256 token without a kid, signed by the published EC key',
    authorization: async () => `Bearer ${await forgeEc({}, { kid: undefined })}`,
  },
];

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [{ clientId: 'svc', clientSecret: 'svc-secret', scopes: ['project-X', 'read'] }],
    resources: { [AUDIENCE]: { scopes: ['project-X', 'read'] } },
    previousKey: true,
  });
  const pair = await generateKeyPair('RS256', { extractable: true });
  attackerKey = pair.privateKey;
  attackerJwk = { ...(await exportJWK(pair.privateKey)), kid: 'attacker', alg: 'RS256' };
  const ec = await generateKeyPair('ES256', { extractable: true });
  ecJwk = { ...(await exportJWK(ec.privateKey)), kid: 'ec-p256', alg: 'ES256', use: 'sig' };
  otherEcJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
  // The issuer's JWKS as published now (rotations included), plus the EC key.
  jwks = await listen((_req, res) => {
    jwksHits++;
    void fetch(`${op.issuer}/jwks`)
      .then((r) => r.json() as Promise<{ keys: JWK[] }>)
      .then(({ keys }) => {
        const { kty, crv, x, y, kid, alg, use } = ecJwk;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [...keys, { kty, crv, x, y, kid, alg, use }] }));
      });
  });
  attacker = await listen((_req, res) => {
    attackerHits++;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        keys: [{ kty: 'RSA', n: attackerJwk.n, e: attackerJwk.e, kid: 'attacker', alg: 'RS256' }],
      }),
    );
  });

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(
    requireAuth({
      issuer: op.issuer,
      jwksUri: `${jwks.url}/jwks`,
      audience: AUDIENCE,
      onRejection: (event) => rejections.push(event),
    }),
  );
  app.get('/projects/X', requireScope('project-X'), (req, res) => {
    res.json({ clientId: req.auth?.clientId });
  });
  app.post('/projects/X/rows', requireScope('project-X'), (_req, res) => res.json({ ok: true }));
  api = await listen(app);

  const response = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'project-X', resource: AUDIENCE }),
  });
  goodToken = ((await response.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await api?.close();
  await attacker?.close();
  await jwks?.close();
  await op?.close();
});

describe('bad-token corpus over HTTP', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name → $status', async (c) => {
    rejections = [];
    let authorization = c.authorization ? await c.authorization() : undefined;
    if (c.token) authorization = `Bearer ${await c.token()}`;
    const headers: Record<string, string | string[]> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    if (c.contentType) headers['content-type'] = c.contentType;
    const res = await rawRequest(`${api.url}${c.path ?? '/projects/X'}`, {
      method: c.body === undefined ? 'GET' : 'POST',
      headers,
      ...(c.body === undefined ? {} : { body: c.body }),
    });

    expect(res.status).toBe(c.status);
    expect(res.headers['www-authenticate']).toMatch(challenge(c.error));
    if (c.error === 'insufficient_scope')
      expect(res.headers['www-authenticate']).toContain('scope="project-X"');
    const body = JSON.parse(res.body);
    // A request without a token gets no error code (RFC 6750 §3.1): `unauthorized` in the body.
    expect(body.error).toBe(c.error ?? 'unauthorized');
    expect(typeof body.error_description).toBe('string');
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    if (authorization !== undefined) {
      const token = String(authorization).replace(/^\S+\s*/, '');
      if (token.length > 12) expect(res.body).not.toContain(token);
    }
    expect(rejections.map((r) => r.reason)).toContain(c.reason);
  });

  it.each(controls)('control: $name → 200', async (c) => {
    const res = await rawRequest(`${api.url}${c.path ?? '/projects/X'}`, {
      headers: { authorization: await c.authorization() },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ clientId: 'svc' });
  });

  it('never fetched keys from a jku or x5u URL', () => {
    expect(attackerHits).toBe(0);
    expect(jwksHits).toBeGreaterThan(0);
  });

  it('a long-running app refuses a key rotated out of the JWKS once it has refreshed the JWKS', async () => {
    // One app instance throughout, with a clock that can be moved past the JWKS cooldown (30 s).
    let skew = 0;
    const seen: RejectionEvent[] = [];
    const app = express();
    app.get(
      '/',
      requireAuth({
        issuer: op.issuer,
        audience: AUDIENCE,
        now: () => Date.now() + skew,
        onRejection: (e) => seen.push(e),
      }),
      (_q, r) => r.end('ok'),
    );
    const running = await listen(app);
    const call = async (token: string) =>
      (await rawRequest(running.url, { headers: { authorization: `Bearer ${token}` } })).status;
    try {
      // The old key is published and gets cached with the JWKS.
      expect(await call(await forge({ jti: 'before' }, {}, op.previousKey))).toBe(200);
      op.unpublishKey(op.previousKey!.kid);
      const jwksBefore = op.counts['/jwks'] ?? 0;

      // Past the cooldown, a token with a kid the app does not know makes it refetch the JWKS ...
      skew += 31_000;
      expect(await call(await forge({ jti: 'unknown' }, {}, attackerJwk))).toBe(401);
      expect(op.counts['/jwks']).toBe(jwksBefore + 1);
      // ... after which a new token signed with the rotated-out key is refused by this same app.
      expect(await call(await forge({ jti: 'after' }, {}, op.previousKey))).toBe(401);
      expect(seen.map((e) => e.reason)).toEqual(['unknown_kid', 'unknown_kid']);
      expect(op.counts['/jwks']).toBe(jwksBefore + 1);
      // The current key keeps working.
      expect(await call(goodToken)).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('rejects a token whose key was rotated out of the JWKS', async () => {
    const oldKeyToken = await forge({}, {}, op.previousKey);
    op.unpublishKey(op.previousKey!.kid);
    // A verifier that has not cached the old key (a new replica, or after its JWKS refresh).
    const app = express();
    const seen: RejectionEvent[] = [];
    app.get(
      '/',
      requireAuth({ issuer: op.issuer, audience: AUDIENCE, onRejection: (e) => seen.push(e) }),
      (_q, r) => r.end('ok'),
    );
    const fresh = await listen(app);
    try {
      const res = await rawRequest(fresh.url, { headers: { authorization: `Bearer ${oldKeyToken}` } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(challenge('invalid_token'));
      expect(seen.map((e) => e.reason)).toEqual(['unknown_kid']);
      const current = await rawRequest(fresh.url, { headers: { authorization: `Bearer ${goodToken}` } });
      expect(current.status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('a header larger than Node accepts is refused before the middleware', async () => {
    const res = await rawRequest(`${api.url}/projects/X`, {
      headers: { authorization: `Bearer ${'a'.repeat(20_000)}` },
    });
    expect(res.status).toBe(431);
  });
});
