import { authorizationHeader, type AuthRequest, type Principal } from '@m2m-auth/core';

/**
 * The parts of a request that the guards read: an Express `Request` or a Fastify `FastifyRequest`
 * (Nest's `platform-express` or `platform-fastify`). The verified caller is left in `auth`.
 *
 * @example
 * ```ts
 * @UseGuards(RequireScope((req: AuthHttpRequest) => `project-${req.params?.id ?? ''}`))
 * ```
 */
export interface AuthHttpRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Express (Node's `IncomingMessage`): every header line, repeated ones included. */
  readonly rawHeaders?: readonly string[];
  /** Fastify: the Node request underneath. */
  readonly raw?: { readonly rawHeaders?: readonly string[] };
  readonly method?: string;
  readonly url?: string;
  /** Express: the URL before routers rewrote `url`. */
  readonly originalUrl?: string;
  /** Route parameters, e.g. `{ id: '45c0' }` for `/projects/:id/tables`. */
  readonly params?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** The verified caller, set by the guards; `undefined` before them or for an anonymous request. */
  auth?: Principal;
}

const STATE = Symbol.for('@m2m-auth/nest.authentication');

type WithState = AuthHttpRequest & { [STATE]?: Promise<Principal | undefined> };

/**
 * Maps a request to the neutral shape of `@m2m-auth/core`. Node keeps only the first of repeated
 * `Authorization` headers in `headers`, so they are read from the Node request's `rawHeaders` (Express'
 * own, Fastify's `raw`) to catch two credentials.
 */
export function toAuthRequest(request: AuthHttpRequest): AuthRequest {
  const raw = request.rawHeaders ?? request.raw?.rawHeaders;
  const authorization = raw ? authorizationHeader(raw) : request.headers.authorization;
  return {
    headers: { authorization, 'content-type': request.headers['content-type'] },
    method: request.method,
    url: request.originalUrl ?? request.url,
    body: request.body,
  };
}

/** The authentication already under way or done for this request, if any. */
export function authenticationOf(request: AuthHttpRequest): Promise<Principal | undefined> | undefined {
  return (request as WithState)[STATE];
}

/** Records the authentication of this request, so the next guard reuses it. */
export function setAuthentication(request: AuthHttpRequest, pending: Promise<Principal | undefined>): void {
  Object.defineProperty(request, STATE, { value: pending, configurable: true, enumerable: false });
}
