import { errorAnswer, errorForApp, type AuthError } from '@m2m-auth/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from './context.js';

/**
 * Answers a rejection through Fastify's reply (status, RFC 6750 challenge, `Cache-Control: no-store`,
 * JSON body; never a stack trace), or, with `passErrors`, throws it to the app's error handler, its
 * `headers` naming the configured realm (Fastify's default handler applies them).
 *
 * @returns the reply, which an async hook returns to end the request there.
 */
export function fail(
  context: AuthContext,
  error: AuthError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (context.options.passErrors) throw errorForApp(error, context.options);
  const answer = errorAnswer(error, context.options, request);
  return reply
    .code(answer.status)
    .headers(answer.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(answer.body));
}
