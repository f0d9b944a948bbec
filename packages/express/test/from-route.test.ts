/** `fromRoute('project-{id}')`: a requirement filled from the route parameters, over real HTTP. */
import { ConfigurationError } from '@m2m-auth/core';
import { fromRoute, requireAuth, requireScope } from '@m2m-auth/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../test/support/listen.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';

const AUDIENCE = 'https://api.example';
let op: RunningProvider;
let api: Listening;
let token: string;

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      { clientId: 'c', clientSecret: 'c-secret', authMethod: 'client_secret_post', scopes: ['project-1'] },
    ],
    resources: { [AUDIENCE]: { scopes: ['project-1', 'project-2'] } },
  });
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'c',
      client_secret: 'c-secret',
      scope: 'project-1',
      resource: AUDIENCE,
    }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
  const app = express();
  app.use(requireAuth({ issuer: op.issuer, audience: AUDIENCE }));
  app.get('/v1/projects/:id/tables', requireScope(fromRoute('project-{id}')), (req, res) => {
    res.json({ project: req.params.id });
  });
  app.get('/v1/typo/:id', requireScope(fromRoute('project-{projectId}')), (_req, res) => {
    res.json({});
  });
  api = await listen(app);
});

afterAll(async () => {
  await api?.close();
  await op?.close();
});

describe('fromRoute', () => {
  it('fills the scope from the route parameter', async () => {
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${api.url}/v1/projects/1/tables`, { headers })).status).toBe(200);
    const other = await fetch(`${api.url}/v1/projects/2/tables`, { headers });
    expect(other.status).toBe(403);
    expect(other.headers.get('www-authenticate')).toContain('scope="project-2"');
  });

  it('fails with a 500, not a pass, when the route lacks the parameter', async () => {
    const res = await fetch(`${api.url}/v1/typo/1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
  });

  it.each(['', 'project-X', 5])('refuses the template %j', (template) => {
    expect(() => fromRoute(template as string)).toThrow(ConfigurationError);
  });
});
