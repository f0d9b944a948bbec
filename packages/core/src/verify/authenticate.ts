import { fromWebRequest, isWebAuthInput, type WebAuthInput } from '../authorize/web-request.js';
import { AuthError } from '../errors.js';
import type { Principal } from '../principal/principal.js';
import { reportRejection } from './report.js';
import type { Verifier } from './verifier.js';

/**
 * The request shape every adapter maps to. `headers` keys are lower-case; a header sent more than once
 * is an array.
 */
export interface AuthRequest {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  method?: string;
  /** Path and query, e.g. `/v1/tables?limit=10`. */
  url?: string;
  /** The parsed body, when the framework parsed one (only form bodies are read). */
  body?: unknown;
}

/** Options of {@link authenticate} and {@link extractToken}. */
export interface AuthenticateOptions {
  /**
   * When no token is present, resolve to `undefined` (anonymous) instead of rejecting. An invalid token
   * is still rejected. Default is `false`.
   */
  optional?: boolean;
  /**
   * Accept `access_token` in the query string (RFC 6750 §2.3, discouraged: URLs end up in logs).
   * Default is `false`: such requests are rejected with `invalid_request`.
   */
  allowQueryToken?: boolean;
  /**
   * Accept `access_token` in a form-encoded body (RFC 6750 §2.2). Default is `false`: such requests
   * are rejected with `invalid_request`.
   */
  allowBodyToken?: boolean;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]+(.*))?$/;

function single(value: string | readonly string[] | undefined): string | readonly string[] | undefined {
  return Array.isArray(value) && value.length === 1 ? (value[0] as string) : value;
}

function invalidRequest(reason: AuthError['reason'], description: string): AuthError {
  return new AuthError('invalid_request', description, { reason });
}

function fromHeader(value: string | readonly string[] | undefined): string | undefined {
  const header = single(value);
  if (header === undefined) return undefined;
  if (typeof header !== 'string') {
    throw invalidRequest('multiple_tokens', 'more than one Authorization header');
  }
  const match = CREDENTIALS.exec(header.trim());
  if (!match) {
    if (header.trim() === '') return undefined;
    throw invalidRequest('header_malformed', 'malformed Authorization header');
  }
  if (match[1]!.toLowerCase() !== 'bearer') return undefined; // another scheme: no bearer token here
  const credentials = match[2] ?? '';
  if (!B64TOKEN.test(credentials)) {
    throw invalidRequest('header_malformed', 'malformed Bearer credentials');
  }
  return credentials;
}

function fromQuery(url: string | undefined, allowed: boolean): string | undefined {
  if (url === undefined || !url.includes('access_token')) return undefined;
  let values: string[];
  try {
    values = new URL(url, 'http://localhost').searchParams.getAll('access_token');
  } catch {
    return undefined;
  }
  if (values.length === 0) return undefined;
  if (!allowed) throw invalidRequest('query_token_disabled', 'tokens in the query string are not accepted');
  if (values.length > 1) throw invalidRequest('multiple_tokens', 'more than one token in the request');
  return values[0];
}

function isFormRequest(request: AuthRequest): boolean {
  const type = single(request.headers['content-type']);
  return typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function fromBody(request: AuthRequest, allowed: boolean): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null || !isFormRequest(request)) return undefined;
  const value = (body as Record<string, unknown>).access_token;
  if (value === undefined) return undefined;
  if (!allowed) throw invalidRequest('body_token_disabled', 'tokens in the request body are not accepted');
  if (request.method?.toUpperCase() === 'GET') {
    throw invalidRequest('header_malformed', 'body tokens are not accepted on GET requests');
  }
  if (typeof value !== 'string')
    throw invalidRequest('multiple_tokens', 'more than one token in the request');
  return value;
}

/**
 * Finds the bearer token of a request: the `Authorization: Bearer` header (scheme case-insensitive),
 * and, only when enabled, the `access_token` query parameter or form field.
 *
 * @returns the token, or `undefined` when the request carries none.
 * @throws AuthError `invalid_request` (400) for a malformed header, more than one token, or a token
 *   where tokens are not enabled.
 * @example
 * ```ts
 * const token = extractToken({ headers: { authorization: 'Bearer eyJ…' } });
 * ```
 */
export function extractToken(request: AuthRequest, options: AuthenticateOptions = {}): string | undefined {
  const found = [
    fromHeader(request.headers.authorization),
    fromQuery(request.url, options.allowQueryToken === true),
    fromBody(request, options.allowBodyToken === true),
  ].filter((t): t is string => t !== undefined);
  if (found.length > 1) throw invalidRequest('multiple_tokens', 'more than one token in the request');
  return found[0];
}

/**
 * The rejection of a request that carries no token: a `401` with a bare challenge (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * throw missingTokenError();
 * ```
 */
export function missingTokenError(): AuthError {
  return new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
}

/**
 * What {@link authenticate} reads a token from: the neutral {@link AuthRequest} every adapter maps
 * to, or a Web-standard `Request` (Hono, Bun, Deno, Workers, Next.js route handlers) or its `Headers`.
 *
 * @example
 * ```ts
 * const input: AuthenticateInput = c.req.raw; // Hono
 * ```
 */
export type AuthenticateInput = AuthRequest | WebAuthInput;

/**
 * Authenticates a request: extracts the bearer token and verifies it. The request is the neutral
 * {@link AuthRequest} (every adapter, Express, Fastify, Nest, is a thin mapping onto this) or a Web
 * `Request`/`Headers`, read the same way (its form body only with `allowBodyToken`, from a clone).
 *
 * @returns the principal, or `undefined` for an anonymous request when `optional` is set.
 * @throws AuthError 400, 401 or 503 (see {@link AuthError}); `error.toResponse()` is the Web answer.
 * @example
 * ```ts
 * const principal = await authenticate(verifier, { headers: req.headers, method: req.method, url: req.url });
 * // Web-standard handlers:
 * try {
 *   const caller = await authenticate(verifier, request);
 * } catch (err) {
 *   if (err instanceof AuthError) return err.toResponse({ realm: 'tables' });
 *   throw err;
 * }
 * ```
 */
export async function authenticate(
  verifier: Verifier,
  request: AuthenticateInput,
  options: AuthenticateOptions = {},
): Promise<Principal | undefined> {
  const neutral = isWebAuthInput(request) ? await fromWebRequest(request, options) : request;
  let token: string | undefined;
  try {
    token = extractToken(neutral, options);
  } catch (err) {
    if (err instanceof AuthError) reportRejection(verifier, err);
    throw err;
  }
  if (token === undefined) {
    if (options.optional) return undefined;
    const missing = missingTokenError();
    reportRejection(verifier, missing);
    throw missing;
  }
  return verifier.verify(token);
}
