import * as oidc from 'openid-client';

/** A parsed response body; tests poke at it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON from the issuer under test
export type Body = any;

/** POSTs a form; returns status, headers and the parsed JSON body (or text). */
export async function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Body }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(params), headers });
  const text = await res.text();
  let body: Body = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

/** `Authorization: Basic …` per RFC 6749 §2.3.1 (form-encoded id and secret). */
export function basic(id: string, secret: string): Record<string, string> {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}` };
}

/** A client-credentials token with client_secret_post. */
export async function tokenFor(
  tokenEndpoint: string,
  clientId: string,
  clientSecret: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Body }> {
  return postForm(tokenEndpoint, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    ...extra,
  });
}

/** openid-client configuration over plain HTTP (the issuer listens on 127.0.0.1). */
export function discover(
  issuer: string,
  clientId: string,
  auth: oidc.ClientAuth,
  algorithm: 'oidc' | 'oauth2' = 'oidc',
): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, {}, auth, {
    execute: [oidc.allowInsecureRequests],
    algorithm,
  });
}

/** Calls the admin API with JSON. */
export async function adminCall(
  url: string,
  token: string | undefined,
  method: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: Body }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}
