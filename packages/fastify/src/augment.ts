import type { Principal } from '@m2m-auth/core';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified caller, set by the `m2mAuth` plugin's authentication (every route with
     * `protectAllRoutes`, or a `requireAuth`/`requireScope`/`requirePermission`/`claimCheck` preHandler);
     * `undefined` before it, on a route it did not run on, or for an anonymous `optional` request.
     */
    auth: Principal | undefined;
  }

  interface FastifyContextConfig {
    /**
     * `false` leaves this route out of `protectAllRoutes` (a public route such as `/health`). A
     * requirement preHandler on the route still authenticates: a requirement declared anywhere wins.
     */
    m2mAuth?: boolean;
  }
}

export {};
