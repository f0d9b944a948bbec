import { HttpException } from '@nestjs/common';
import type { AuthError } from '@m2m-auth/core';

/**
 * The Nest `HttpException` an authentication or authorization failure becomes: the status (400, 401,
 * 403 or 503), the JSON body `{ error, error_description }` and, in `headers`, the RFC 6750
 * `WWW-Authenticate` challenge (not on 503) and `Cache-Control: no-store`, exactly as
 * `@m2m-auth/express` answers. The guard also sets those headers on the platform response before it
 * throws, so that Nest's default exception filter (which sends no headers of its own) sends them; an
 * app's own filter can read `headers` and `authError`.
 *
 * An app filter that answers something else (a `404` to hide a route, say) must remove them, or the
 * challenge, `scope="…"` included, goes out with its answer: `for (const name of
 * Object.keys(exception.headers)) response.removeHeader(name)` works on Express and Fastify alike.
 *
 * @example
 * ```ts
 * @Catch(M2mAuthException)
 * class AuthFilter implements ExceptionFilter {
 *   catch(exception: M2mAuthException, host: ArgumentsHost) {
 *     const res = host.switchToHttp().getResponse<Response>();
 *     res.status(exception.getStatus()).set(exception.headers).json({ ...exception.authError.toJSON(), at: Date.now() });
 *   }
 * }
 * ```
 */
export class M2mAuthException extends HttpException {
  /** The rejection itself: `code`, `reason`, `description`, `required`. */
  readonly authError: AuthError;
  /** Headers of the answer: `WWW-Authenticate` (except on 503) and `Cache-Control`. */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param error The rejection.
   * @param realm `realm` of the challenge.
   * @param body The JSON body. Default is `error.toJSON()`: `{ error, error_description }`.
   */
  constructor(error: AuthError, realm?: string, body?: Record<string, unknown>) {
    super(body ?? error.toJSON(), error.status, { cause: error, description: error.description });
    this.name = 'M2mAuthException';
    this.message = error.description;
    this.authError = error;
    this.headers = Object.freeze(error.responseHeaders(realm));
  }
}

interface FastifyReplyLike {
  raw: object;
  header(name: string, value: string): unknown;
}

interface NodeResponseLike {
  setHeader(name: string, value: string): unknown;
  headersSent?: boolean;
}

/** Sets headers on the platform response: Fastify's `reply.header()`, Express' (Node's) `setHeader()`. */
export function setResponseHeaders(response: unknown, headers: Readonly<Record<string, string>>): void {
  if (typeof response !== 'object' || response === null) return;
  const reply = response as Partial<FastifyReplyLike>;
  if (typeof reply.header === 'function' && typeof reply.raw === 'object') {
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    return;
  }
  const res = response as Partial<NodeResponseLike>;
  if (typeof res.setHeader === 'function' && res.headersSent !== true) {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  }
}
