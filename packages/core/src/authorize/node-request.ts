import type { AuthRequest } from '../verify/authenticate.js';
import { authorizationHeader } from './raw-authorization.js';

/**
 * The parts of a Node.js request (`IncomingMessage`, and what frameworks built on it expose) that
 * authentication reads. Typed by shape, so that core stays free of Node's types.
 *
 * @example
 * ```ts
 * const parts: NodeRequestParts = { rawHeaders: req.raw.rawHeaders, headers: req.headers, method: req.method, url: req.url, body: req.body };
 * ```
 */
export interface NodeRequestParts {
  /** Every header line, as Node received it (name, value, name, value, …). */
  readonly rawHeaders: readonly string[];
  /** Node's parsed headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly method?: string;
  /** Path and query as the client sent them, before any rewriting by a router. */
  readonly url?: string;
  /** The body the framework parsed, if any (only form bodies are read). */
  readonly body?: unknown;
}

/**
 * Maps a Node.js request to the neutral {@link AuthRequest}: the `Authorization` header from
 * `rawHeaders` (Node keeps only the first of repeated ones in `headers`, and two credentials must be
 * refused, `400 multiple_tokens`), the `Content-Type` (for the form-body rule), the method, the URL
 * and the parsed body. What the Fastify adapter hands to `authenticate`.
 *
 * @example
 * ```ts
 * await authenticate(verifier, fromNodeRequest({ ...request, rawHeaders: request.raw.rawHeaders }));
 * ```
 */
export function fromNodeRequest(parts: NodeRequestParts): AuthRequest {
  return {
    headers: {
      authorization: authorizationHeader(parts.rawHeaders),
      'content-type': parts.headers['content-type'],
    },
    method: parts.method,
    url: parts.url,
    body: parts.body,
  };
}
