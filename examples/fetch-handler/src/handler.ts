import {
  AuthError,
  authenticate,
  checkClaims,
  checkScopes,
  createVerifier,
  type Principal,
} from '@m2m-auth/core';

export interface HandlerOptions {
  /** The issuer whose tokens the API accepts. */
  issuer: string;
  /** The audience of those tokens; also the `realm` of the challenge. */
  audience: string;
}

/** A fetch handler: what Bun.serve, Deno.serve and Cloudflare Workers run. */
export type FetchHandler = (request: Request) => Promise<Response>;

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The routes: each takes the caller, checks what it needs, and answers. */
const routes: { pattern: RegExp; handle: (caller: Principal, match: RegExpExecArray) => Response }[] = [
  {
    pattern: /^\/v1\/projects\/([^/]+)\/tables$/,
    handle: (caller, [, id]) => {
      checkScopes(caller, [`project-${id}`]);
      return json({ project: id, caller: caller.clientId });
    },
  },
  {
    pattern: /^\/v1\/orgs\/([^/]+)$/,
    handle: (caller, [, org]) => {
      checkClaims(caller, (claims) => claims.org === org, 'not a member of this organization');
      return json({ org });
    },
  },
];

/**
 * A plain fetch handler, `(Request) => Promise<Response>`, protected with `@m2m-auth/core` alone:
 * `authenticate(verifier, request)` reads the Web `Request`, the checks throw `AuthError`s, and
 * `error.toResponse()` is the answer. `/health` is public; every other path needs a valid token.
 */
export function createHandler(options: HandlerOptions): FetchHandler {
  const verifier = createVerifier({ issuer: options.issuer, audience: options.audience });
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/health') return json({ ok: true });
    try {
      const caller = (await authenticate(verifier, request))!;
      for (const route of routes) {
        const match = route.pattern.exec(pathname);
        if (match) return route.handle(caller, match);
      }
      return json({ error: 'not_found' }, 404);
    } catch (err) {
      if (err instanceof AuthError) return err.toResponse({ realm: options.audience });
      return json({ error: 'server_error' }, 500);
    }
  };
}
