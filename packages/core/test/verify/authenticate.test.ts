import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import type { Principal } from '../../src/principal/principal.js';
import { authenticate, extractToken, type AuthRequest } from '../../src/verify/authenticate.js';
import { REPORT, type Reporting } from '../../src/verify/report.js';
import type { Verifier } from '../../src/verify/verifier.js';
import { rejectionOf } from '../support/fake-issuer.js';
import { fixture } from '../support/verifier-fixture.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
const FORM = 'application/x-www-form-urlencoded';

/** A verifier that accepts TOKEN only and records what it was asked and told. */
function stubVerifier() {
  const verified: string[] = [];
  const reported: AuthError[] = [];
  const principal = { token: TOKEN } as unknown as Principal;
  const verifier: Verifier & Reporting = {
    issuers: ['https://id.example'],
    audiences: ['api'],
    verify(token) {
      verified.push(token);
      return token === TOKEN
        ? Promise.resolve(principal)
        : Promise.reject(new AuthError('invalid_token', 'token is malformed', { reason: 'token_malformed' }));
    },
    [REPORT](error) {
      reported.push(error);
    },
  };
  return { verifier, verified, reported, principal };
}

function expectAuthError(fn: () => unknown, expected: Partial<AuthError>): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(AuthError);
  expect(error).toMatchObject(expected);
}

const req = (authorization?: string | string[], extra: Partial<AuthRequest> = {}): AuthRequest => ({
  headers: authorization === undefined ? {} : { authorization },
  method: 'GET',
  url: '/tables',
  ...extra,
});

describe('extractToken: the Authorization header', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('reads the %s scheme case-insensitively', (scheme) => {
    expect(extractToken(req(`${scheme} ${TOKEN}`))).toBe(TOKEN);
  });

  it('tolerates surrounding whitespace and several spaces after the scheme', () => {
    expect(extractToken(req(`  Bearer   ${TOKEN}  `))).toBe(TOKEN);
  });

  it('accepts the whole RFC 6750 b64token alphabet, with trailing =', () => {
    expect(extractToken(req('Bearer aZ09-._~+/=='))).toBe('aZ09-._~+/==');
  });

  it.each([undefined, '', '   ', 'Basic dXNlcjpwYXNz', 'DPoP abc', 'Bearerabc'])(
    'finds no bearer token in %j',
    (header) => {
      expect(extractToken(req(header))).toBeUndefined();
    },
  );

  it.each([
    'Bearer',
    'Bearer ',
    'Bearer a b',
    'Bearer a,b',
    'Bearer "abc"',
    'Bearer abc=def',
    '=Bearer abc',
    'Bearer\u00e9 abc',
  ])('rejects the malformed header %j → 400 invalid_request header_malformed', (header) => {
    expectAuthError(() => extractToken(req(header)), {
      code: 'invalid_request',
      status: 400,
      reason: 'header_malformed',
    });
  });

  it('rejects two Authorization headers → multiple_tokens', () => {
    expectAuthError(() => extractToken(req([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`])), {
      status: 400,
      reason: 'multiple_tokens',
    });
  });

  it('reads a one-element header array like a string', () => {
    expect(extractToken(req([`Bearer ${TOKEN}`]))).toBe(TOKEN);
  });
});

describe('extractToken: query and body tokens', () => {
  it('rejects a query token unless allowQueryToken', () => {
    const request = req(undefined, { url: `/tables?limit=1&access_token=${TOKEN}` });
    expectAuthError(() => extractToken(request), { status: 400, reason: 'query_token_disabled' });
    expect(extractToken(request, { allowQueryToken: true })).toBe(TOKEN);
  });

  it('ignores query parameters that merely contain access_token', () => {
    expect(
      extractToken(req(undefined, { url: '/tables?not_access_token=1&x=access_token' })),
    ).toBeUndefined();
  });

  it('rejects two query tokens, and a header plus a query token, as multiple_tokens', () => {
    const two = req(undefined, { url: '/t?access_token=a&access_token=b' });
    expectAuthError(() => extractToken(two, { allowQueryToken: true }), { reason: 'multiple_tokens' });
    const both = req(`Bearer ${TOKEN}`, { url: `/t?access_token=${TOKEN}` });
    expectAuthError(() => extractToken(both, { allowQueryToken: true }), {
      status: 400,
      reason: 'multiple_tokens',
    });
  });

  const formPost = (body: unknown, extra: Partial<AuthRequest> = {}): AuthRequest => ({
    headers: { 'content-type': `${FORM}; charset=utf-8` },
    method: 'POST',
    url: '/tables',
    body,
    ...extra,
  });

  it('rejects a form body token unless allowBodyToken, and accepts it when allowed', () => {
    const request = formPost({ access_token: TOKEN, name: 'x' });
    expectAuthError(() => extractToken(request), { status: 400, reason: 'body_token_disabled' });
    expect(extractToken(request, { allowBodyToken: true })).toBe(TOKEN);
  });

  it('reads body tokens only from form bodies', () => {
    const json = formPost({ access_token: TOKEN }, { headers: { 'content-type': 'application/json' } });
    expect(extractToken(json, { allowBodyToken: true })).toBeUndefined();
    expect(extractToken(json)).toBeUndefined();
  });

  it('refuses a body token on GET', () => {
    const get = formPost({ access_token: TOKEN }, { method: 'GET' });
    expectAuthError(() => extractToken(get, { allowBodyToken: true }), { code: 'invalid_request' });
  });

  it('rejects a header plus a body token, and a repeated body field, as multiple_tokens', () => {
    const both = formPost(
      { access_token: TOKEN },
      { headers: { 'content-type': FORM, authorization: `Bearer ${TOKEN}` } },
    );
    expectAuthError(() => extractToken(both, { allowBodyToken: true }), { reason: 'multiple_tokens' });
    const repeated = formPost({ access_token: [TOKEN, TOKEN] });
    expectAuthError(() => extractToken(repeated, { allowBodyToken: true }), { reason: 'multiple_tokens' });
  });
});

describe('authenticate', () => {
  it('verifies the bearer token and resolves to the principal', async () => {
    const { verifier, verified, principal } = stubVerifier();
    await expect(authenticate(verifier, req(`bearer ${TOKEN}`))).resolves.toBe(principal);
    expect(verified).toEqual([TOKEN]);
  });

  it('no token → 401 token_missing with a bare challenge, reported', async () => {
    const { verifier, verified, reported } = stubVerifier();
    const error = await rejectionOf(authenticate(verifier, req('Basic dXNlcjpwYXNz')));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'invalid_token', status: 401, reason: 'token_missing' });
    expect((error as unknown as AuthError).wwwAuthenticate('api')).toBe('Bearer realm="api"');
    expect(verified).toEqual([]);
    expect(reported.map((e) => e.reason)).toEqual(['token_missing']);
  });

  it('optional: no token (or another scheme) → undefined, nothing reported', async () => {
    const { verifier, verified, reported } = stubVerifier();
    await expect(authenticate(verifier, req(), { optional: true })).resolves.toBeUndefined();
    await expect(
      authenticate(verifier, req('Basic dXNlcjpwYXNz'), { optional: true }),
    ).resolves.toBeUndefined();
    expect(verified).toEqual([]);
    expect(reported).toEqual([]);
  });

  it('optional: an invalid token is still rejected, never anonymous', async () => {
    const { verifier } = stubVerifier();
    await expect(authenticate(verifier, req('Bearer other'), { optional: true })).rejects.toMatchObject({
      status: 401,
      reason: 'token_malformed',
    });
  });

  it('optional: a malformed header is still a 400, reported', async () => {
    const { verifier, reported } = stubVerifier();
    await expect(authenticate(verifier, req('Bearer a b'), { optional: true })).rejects.toMatchObject({
      status: 400,
      reason: 'header_malformed',
    });
    expect(reported.map((e) => e.reason)).toEqual(['header_malformed']);
  });

  it('with a real verifier, an optional request with an expired token is rejected and logged once', async () => {
    const { verifier, mint, clock, events } = await fixture();
    const expired = await mint({ exp: clock.seconds - 60 });
    await expect(authenticate(verifier, req(`Bearer ${expired}`), { optional: true })).rejects.toMatchObject({
      reason: 'token_expired',
    });
    const valid = await mint();
    await expect(authenticate(verifier, req(`Bearer ${valid}`))).resolves.toMatchObject({ clientId: 'svc' });
    expect(events.map((e) => e.reason)).toEqual(['token_expired']);
  });
});

describe('authenticate: Web-standard requests', () => {
  const web = (headers: Record<string, string>, init: RequestInit = {}, url = 'https://api.example/tables') =>
    new Request(url, { headers, ...init });

  it('reads the bearer token of a Web Request (it used to read as no token at all)', async () => {
    const { verifier, verified, principal } = stubVerifier();
    await expect(authenticate(verifier, web({ authorization: `Bearer ${TOKEN}` }))).resolves.toBe(principal);
    expect(verified).toEqual([TOKEN]);
  });

  it('reads the bearer token of a Headers object', async () => {
    const { verifier, principal } = stubVerifier();
    const headers = new Headers({ authorization: `bearer ${TOKEN}` });
    await expect(authenticate(verifier, headers)).resolves.toBe(principal);
  });

  it('a Web Request without a token → 401 token_missing, reported', async () => {
    const { verifier, reported } = stubVerifier();
    await expect(authenticate(verifier, web({}))).rejects.toMatchObject({
      status: 401,
      reason: 'token_missing',
    });
    expect(reported.map((e) => e.reason)).toEqual(['token_missing']);
  });

  it('applies the same rules: malformed header 400, query token refused unless allowed', async () => {
    const { verifier } = stubVerifier();
    await expect(authenticate(verifier, web({ authorization: 'Bearer a b' }))).rejects.toMatchObject({
      status: 400,
      reason: 'header_malformed',
    });
    const query = web({}, {}, `https://api.example/tables?access_token=${TOKEN}`);
    await expect(authenticate(verifier, query)).rejects.toMatchObject({ reason: 'query_token_disabled' });
    await expect(authenticate(verifier, query, { allowQueryToken: true })).resolves.toBeDefined();
  });

  it('reads a form-body token only with allowBodyToken, leaving the body readable for the app', async () => {
    const { verifier, principal } = stubVerifier();
    const post = () =>
      web({ 'content-type': FORM }, { method: 'POST', body: `access_token=${TOKEN}&name=orders` });
    await expect(authenticate(verifier, post())).rejects.toMatchObject({ reason: 'token_missing' });
    const request = post();
    await expect(authenticate(verifier, request, { allowBodyToken: true })).resolves.toBe(principal);
    expect(await request.text()).toBe(`access_token=${TOKEN}&name=orders`);
  });

  it('with a real verifier: a Web Request with a valid token passes, an expired one is a 401', async () => {
    const { verifier, mint, clock } = await fixture();
    const valid = await mint();
    await expect(authenticate(verifier, web({ authorization: `Bearer ${valid}` }))).resolves.toMatchObject({
      clientId: 'svc',
    });
    const expired = await mint({ exp: clock.seconds - 60 });
    const error = await authenticate(verifier, web({ authorization: `Bearer ${expired}` })).catch(
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ status: 401, reason: 'token_expired' });
    const response = (error as AuthError).toResponse({ realm: 'tables' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tables", error="invalid_token"/);
  });
});
