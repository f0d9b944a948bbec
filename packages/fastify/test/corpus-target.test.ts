/**
 * The corpus' Fastify target (`support/corpus-target.ts`) behaves as the corpus expects of its Express
 * app, on the cases where a Fastify app could differ (raw headers, form bodies, the controls).
 */
import type { RejectionEvent } from '@m2m-auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../../test/support/raw-request.js';
import { AUDIENCE, tokenFor, useProvider } from './support/app.js';
import { startFastifyTarget, type CorpusTarget } from './support/corpus-target.js';

const shared = useProvider();
let target: CorpusTarget;
let project: string;
const rejections: RejectionEvent[] = [];

beforeAll(async () => {
  target = await startFastifyTarget({
    issuer: shared.op.issuer,
    audience: AUDIENCE,
    onRejection: (e) => rejections.push(e),
  });
  project = await tokenFor(shared.op, 'admin', 'project-1');
});

afterAll(async () => {
  await target?.close();
});

const FORM = 'application/x-www-form-urlencoded';

describe('the Fastify corpus target', () => {
  it.each([
    ['no Authorization header', {}, 401, 'token_missing'],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'token_missing'],
    ['Bearer without a token', { authorization: 'Bearer' }, 400, 'header_malformed'],
    [
      'two Authorization headers',
      { authorization: ['Bearer a.b.c', 'Bearer a.b.c'] },
      400,
      'multiple_tokens',
    ],
    ['one segment', { authorization: 'Bearer garbage' }, 401, 'token_malformed'],
  ])('%s → %i (%s)', async (_name, headers, status, reason) => {
    rejections.length = 0;
    const res = await rawRequest(`${target.url}/projects/X`, { headers });
    expect(res.status).toBe(status);
    expect(res.headers['www-authenticate']).toMatch(new RegExp(`^Bearer realm="${AUDIENCE}"`));
    expect(rejections.map((r) => r.reason)).toContain(reason);
  });

  it('a token in the query string → 400 query_token_disabled', async () => {
    const res = await rawRequest(`${target.url}/projects/X?access_token=abc.def.ghi`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  it('a token in a form body → 400 body_token_disabled (the body is parsed before authentication)', async () => {
    rejections.length = 0;
    const res = await rawRequest(`${target.url}/projects/X/rows`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'access_token=abc.def.ghi',
    });
    expect(res.status).toBe(400);
    expect(rejections.map((r) => r.reason)).toEqual(['body_token_disabled']);
  });

  it('a token without project-X → 403 insufficient_scope, scope="project-X"', async () => {
    const res = await rawRequest(`${target.url}/projects/X`, {
      headers: { authorization: `Bearer ${project}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('scope="project-X"');
  });
});
