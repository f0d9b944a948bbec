/**
 * The Fastify target of the bad-token corpus (`test/corpus`): the same app the corpus serves on Express,
 * on Fastify with `@m2m-auth/fastify`. `GET /projects/X` and `POST /projects/X/rows` require the scope
 * `project-X`; every route is authenticated (`protectAllRoutes`), form bodies are parsed (so that a
 * form-body token is refused with `400`, as on Express).
 */
import formbody from '@fastify/formbody';
import type { RejectionEvent } from '@m2m-auth/core';
import { m2mAuth, requireScope } from '@m2m-auth/fastify';
import Fastify from 'fastify';

/** What the corpus passes to each target. */
export interface CorpusTargetOptions {
  issuer: string;
  /** Where the keys are (the corpus serves the issuer's JWKS plus an EC key). */
  jwksUri?: string;
  audience: string;
  onRejection?: (event: RejectionEvent) => void;
}

/** A running target: where it listens, and how to stop it. */
export interface CorpusTarget {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the corpus app on Fastify, on 127.0.0.1 on a free port.
 *
 * @example
 * ```ts
 * const target = await startFastifyTarget({ issuer: op.issuer, jwksUri, audience, onRejection });
 * await rawRequest(`${target.url}/projects/X`, { headers });
 * await target.close();
 * ```
 */
export async function startFastifyTarget(options: CorpusTargetOptions): Promise<CorpusTarget> {
  const app = Fastify();
  await app.register(formbody);
  await app.register(m2mAuth, {
    issuer: options.issuer,
    audience: options.audience,
    protectAllRoutes: true,
    ...(options.jwksUri === undefined ? {} : { jwksUri: options.jwksUri }),
    ...(options.onRejection === undefined ? {} : { onRejection: options.onRejection }),
  });
  app.get('/projects/X', { preHandler: requireScope('project-X') }, (request) => ({
    clientId: request.auth?.clientId,
  }));
  app.post('/projects/X/rows', { preHandler: requireScope('project-X') }, () => ({ ok: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
