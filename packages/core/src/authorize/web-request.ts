import type { AuthenticateOptions, AuthRequest } from '../verify/authenticate.js';

/**
 * A Web-standard request (`Request` of the Fetch API: Hono's `c.req.raw`, Bun, Deno, Cloudflare
 * Workers, Next.js route handlers, Node's own `Request`), or its `Headers` alone.
 *
 * @example
 * ```ts
 * const input: WebAuthInput = new Request('https://api.example/v1/tables', { headers });
 * ```
 */
export type WebAuthInput = Request | Headers;

/** What a `Headers` object offers; read by shape, so that a `Headers` of another realm passes too. */
interface HeadersLike {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** The parts of a `Request` read here. */
interface RequestLike {
  readonly headers: HeadersLike;
  readonly method: string;
  readonly url: string;
  readonly bodyUsed: boolean;
  clone(): { text(): Promise<string> };
}

function isHeaders(value: unknown): value is HeadersLike {
  if (typeof value !== 'object' || value === null) return false;
  const headers = value as Partial<HeadersLike>;
  return typeof headers.get === 'function' && typeof headers.has === 'function';
}

/**
 * Whether `input` is a Web `Request` or `Headers` rather than the neutral `AuthRequest` (whose
 * `headers` is a plain record). Read by shape: a `Request` of another realm or library passes too.
 *
 * @example
 * ```ts
 * const neutral = isWebAuthInput(input) ? await fromWebRequest(input) : input;
 * ```
 */
export function isWebAuthInput(input: unknown): input is WebAuthInput {
  return (
    isHeaders(input) ||
    (typeof input === 'object' && input !== null && isHeaders((input as RequestLike).headers))
  );
}

/** `get()` answers `null` for a missing header; the neutral shape says `undefined`. */
function header(headers: HeadersLike, name: string): string | undefined {
  return headers.get(name) ?? undefined;
}

/**
 * The form fields of a body, read only when body tokens are accepted: reading a body buffers it, so a
 * request is never made to pay for that when the answer cannot depend on it. A body already read by
 * the app (`bodyUsed`) cannot be read again and is left out. Repeated `access_token` fields stay an
 * array, for core's "more than one token" rule.
 */
async function formBody(request: RequestLike, contentType: string | undefined): Promise<unknown> {
  if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || request.bodyUsed) return undefined;
  const fields = new URLSearchParams(await request.clone().text());
  const tokens = fields.getAll('access_token');
  return tokens.length === 0 ? {} : { access_token: tokens.length === 1 ? tokens[0] : tokens };
}

/**
 * Maps a Web `Request` (or `Headers`) to the neutral {@link AuthRequest}: the `Authorization` and
 * `Content-Type` headers, the method and the URL (its query, for `allowQueryToken`), and, only when
 * `allowBodyToken` is set, the `access_token` fields of a form body, read from a clone so that the app
 * can still read the body. `Headers` joins repeated headers with `, `, so two `Authorization` headers
 * read as one malformed header: a `400 invalid_request` all the same.
 *
 * @example
 * ```ts
 * const neutral = await fromWebRequest(request, { allowBodyToken: true });
 * extractToken(neutral, { allowBodyToken: true });
 * ```
 */
export async function fromWebRequest(
  input: WebAuthInput,
  options: AuthenticateOptions = {},
): Promise<AuthRequest> {
  const request = isHeaders(input) ? undefined : (input as unknown as RequestLike);
  const headers = request ? request.headers : (input as HeadersLike);
  const contentType = header(headers, 'content-type');
  const neutral: AuthRequest = {
    headers: { authorization: header(headers, 'authorization'), 'content-type': contentType },
  };
  if (!request) return neutral;
  return {
    ...neutral,
    method: request.method,
    url: request.url,
    body: options.allowBodyToken === true ? await formBody(request, contentType) : undefined,
  };
}
