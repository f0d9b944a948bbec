/**
 * An in-memory issuer for unit tests: discovery documents and a JWKS served through the verifier's
 * `fetch` option, with per-URL call counts and switchable failures, plus keys and token minting with jose.
 */
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { FetchLike } from '../../src/lib/fetch-json.js';

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

export interface TestKey {
  alg: SigningAlg;
  kid: string | undefined;
  privateKey: CryptoKey;
  /** The public JWK, as published in a JWKS. */
  jwk: JWK;
  /** The private JWK (with `d`), for tests that publish it by mistake. */
  privateJwk: JWK;
}

export async function makeKey(alg: SigningAlg, kid?: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  if (kid !== undefined) {
    jwk.kid = kid;
    privateJwk.kid = kid;
  }
  return { alg, kid, privateKey, jwk, privateJwk };
}

/** A failure the fake network can return for a URL. */
export type Failure =
  'http500' | 'http404' | 'network' | 'hang' | 'not_json' | 'no_keys' | 'too_large' | 'too_large_declared';

type Handler = () => Response | Promise<Response>;

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json' },
    ...init,
  });
}

function failureResponse(failure: Failure, signal: AbortSignal | null | undefined): Promise<Response> {
  switch (failure) {
    case 'http500':
      return Promise.resolve(new Response('oops', { status: 500 }));
    case 'http404':
      return Promise.resolve(new Response('not found', { status: 404 }));
    case 'network':
      return Promise.reject(new TypeError('fetch failed'));
    case 'hang':
      return new Promise((_resolve, reject) => {
        if (!signal) {
          setTimeout(() => reject(new Error('test fetch called without a signal')), 2000);
          return;
        }
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    case 'not_json':
      return Promise.resolve(
        new Response('<html>maintenance</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      );
    case 'no_keys':
      return Promise.resolve(json({ issuer: 'whatever' }));
    case 'too_large':
      return Promise.resolve(
        // Streamed, without content-length: the size limit must stop reading.
        new Response(
          new ReadableStream({
            start(controller) {
              const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
              for (let i = 0; i < 12; i++) controller.enqueue(chunk);
              controller.enqueue(new TextEncoder().encode('{"keys":[]}'));
              controller.close();
            },
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        ),
      );
    case 'too_large_declared':
      return Promise.resolve(
        new Response('{"keys":[]}', {
          status: 200,
          headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
        }),
      );
  }
}

/** Routes requests by exact URL and counts them. Unknown URLs answer 404. */
export class FakeNetwork {
  /** Every requested URL, in order. */
  readonly requests: string[] = [];
  readonly #routes = new Map<string, Handler>();
  readonly #failures = new Map<string, Failure>();

  route(url: string, handler: Handler): void {
    this.#routes.set(url, handler);
  }

  /** Makes `url` fail (or, with `undefined`, work again). */
  fail(url: string, failure: Failure | undefined): void {
    if (failure === undefined) this.#failures.delete(url);
    else this.#failures.set(url, failure);
  }

  /** Requests to `url`, or all requests. */
  count(url?: string): number {
    return url === undefined ? this.requests.length : this.requests.filter((u) => u === url).length;
  }

  readonly fetch: FetchLike = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    this.requests.push(url);
    const failure = this.#failures.get(url);
    if (failure) return failureResponse(failure, init?.signal);
    const handler = this.#routes.get(url);
    if (!handler) return Promise.resolve(new Response('not found', { status: 404 }));
    return Promise.resolve(handler());
  };
}

export interface FakeIssuerOptions {
  /** Which discovery document(s) to serve. Default `oidc`. */
  discovery?: 'oidc' | 'oauth2' | 'none';
  /** The `issuer` the discovery document claims. Default the issuer itself. */
  discoveredIssuer?: string;
}

/** One issuer on a {@link FakeNetwork}: discovery documents and a JWKS built from {@link FakeIssuer.keys}. */
export class FakeIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly oidcUrl: string;
  readonly oauth2Url: string;
  /** Public keys currently published. */
  keys: TestKey[] = [];
  /** Raw extra JWKS entries (private keys, `oct` keys, garbage). */
  extraJwks: unknown[] = [];

  constructor(
    readonly network: FakeNetwork,
    issuer: string,
    options: FakeIssuerOptions = {},
  ) {
    this.issuer = issuer;
    const base = new URL(issuer);
    const path = base.pathname.replace(/\/$/, '');
    this.jwksUri = `${base.origin}${path}/protocol/certs`;
    this.oidcUrl = `${base.origin}${path}/.well-known/openid-configuration`;
    this.oauth2Url = `${base.origin}/.well-known/oauth-authorization-server${path}`;
    const document = () =>
      json({
        issuer: options.discoveredIssuer ?? issuer,
        jwks_uri: this.jwksUri,
        token_endpoint: `${base.origin}${path}/token`,
      });
    const discovery = options.discovery ?? 'oidc';
    if (discovery === 'oidc') network.route(this.oidcUrl, document);
    if (discovery === 'oauth2') network.route(this.oauth2Url, document);
    network.route(this.jwksUri, () => json({ keys: [...this.keys.map((k) => k.jwk), ...this.extraJwks] }));
  }

  get jwksCalls(): number {
    return this.network.count(this.jwksUri);
  }

  get discoveryCalls(): number {
    return this.network.count(this.oidcUrl) + this.network.count(this.oauth2Url);
  }
}

/** A settable clock, in epoch milliseconds. */
export class Clock {
  ms = Date.UTC(2030, 0, 1);
  readonly now = (): number => this.ms;
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** Signs `claims` with `key`; header defaults to `{ alg, kid, typ: 'at+jwt' }` (an `undefined` drops a field). */
export async function sign(
  key: TestKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const merged: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header };
  const protectedHeader = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  const body = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(body).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

export const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Rejection of `promise`, for asserting on AuthError fields. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

export interface TestKeys {
  ec1: TestKey;
  ec2: TestKey;
  ed1: TestKey;
}

export interface RsaTestKeys {
  rsa1: TestKey;
  rsa2: TestKey;
  /** rsa1 and rsa2 without a `kid` (the same key material: never publish both variants together). */
  rsaNoKid1: TestKey;
  rsaNoKid2: TestKey;
}

let pool: Promise<TestKeys> | undefined;
let rsaPool: Promise<RsaTestKeys> | undefined;

/** Elliptic-curve keys shared by the tests of a file (fast to generate). Do not mutate them. */
export function testKeys(): Promise<TestKeys> {
  pool ??= (async () => {
    const [ec1, ec2, ed1] = await Promise.all([
      makeKey('ES256', 'ec-1'),
      makeKey('ES256', 'ec-2'),
      makeKey('EdDSA', 'ed-1'),
    ]);
    return { ec1, ec2, ed1 };
  })();
  return pool;
}

/** RSA keys, for the tests that need that family (generation takes a few hundred milliseconds each). */
export function rsaTestKeys(): Promise<RsaTestKeys> {
  rsaPool ??= (async () => {
    const [rsa1, rsa2] = await Promise.all([makeKey('RS256', 'rsa-1'), makeKey('RS256', 'rsa-2')]);
    const withoutKid = (key: TestKey): TestKey => {
      const { kid: _kid, ...jwk } = key.jwk;
      const { kid: _pkid, ...privateJwk } = key.privateJwk;
      return { ...key, kid: undefined, jwk, privateJwk };
    };
    return { rsa1, rsa2, rsaNoKid1: withoutKid(rsa1), rsaNoKid2: withoutKid(rsa2) };
  })();
  return rsaPool;
}
