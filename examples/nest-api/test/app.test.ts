import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { requireAuth, requireScope } from '@m2m-auth/express';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../test/support/listen.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';
import { AppModule } from '../src/app.module.js';
import type { NestApiConfig } from '../src/config.js';

const TABLES = 'https://tables.example';
const INGESTION = 'https://ingestion.example';

let op: RunningProvider;
let ingestion: Listening;
let app: INestApplication;
let url: string;
let settings: NestApiConfig;
const tokens: Record<string, string> = {};

/** What the Ingestion API saw, and how many `401`s it still has to give. */
const ingestionState = { requests: 0, callers: [] as (string | undefined)[], unauthorized: 0 };

async function token(clientId: string, scope: string): Promise<string> {
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: `${clientId}-secret`,
      scope,
      resource: TABLES,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      {
        clientId: 'MPS-test',
        clientSecret: 'MPS-test-secret',
        authMethod: 'client_secret_post',
        scopes: ['project-45c0'],
      },
      {
        clientId: 'ops',
        clientSecret: 'ops-secret',
        authMethod: 'client_secret_post',
        scopes: ['project-77aa'],
        claims: { resource_access: { 'tables-api': { roles: ['AdministerClients'] } } },
      },
      // The Nest API's own client, for its calls to the Ingestion API.
      {
        clientId: 'tables-service',
        clientSecret: 'tables-service-secret',
        authMethod: 'client_secret_post',
        scopes: ['ingestion:read'],
      },
    ],
    resources: {
      [TABLES]: { scopes: ['project-45c0', 'project-77aa'] },
      [INGESTION]: { scopes: ['ingestion:read'] },
    },
  });

  // The other API: Express with @m2m-auth/express, accepting only ingestion:read tokens.
  const other = express();
  other.use((_req, res, next) => {
    ingestionState.requests++;
    if (ingestionState.unauthorized > 0) {
      ingestionState.unauthorized--;
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer error="invalid_token"')
        .json({ error: 'invalid_token' });
      return;
    }
    next();
  });
  other.use(requireAuth({ issuer: op.issuer, audience: INGESTION }));
  other.get('/v1/projects/:id/jobs', requireScope('ingestion:read'), (req, res) => {
    ingestionState.callers.push(req.auth?.clientId);
    res.json({ jobs: [{ id: 'job-1', table: 'events', status: 'running' }] });
  });
  ingestion = await listen(other);

  settings = {
    ISSUER: op.issuer,
    AUDIENCE: TABLES,
    INGESTION_URL: ingestion.url,
    INGESTION_RESOURCE: INGESTION,
    CLIENT_ID: 'tables-service',
    CLIENT_SECRET: 'tables-service-secret',
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(settings)] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
  tokens.mps = await token('MPS-test', 'project-45c0');
  tokens.ops = await token('ops', 'project-77aa');
});

afterAll(async () => {
  await app?.close();
  await ingestion?.close();
  await op?.close();
});

beforeEach(() => {
  ingestionState.requests = 0;
  ingestionState.callers = [];
  ingestionState.unauthorized = 0;
});

const bearer = (value: string | undefined) => ({ headers: { authorization: `Bearer ${value}` } });

describe('examples/nest-api', () => {
  it('answers the public health route without a token', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('lists the tables of the project the token is scoped to', async () => {
    const res = await fetch(`${url}/v1/projects/45c0/tables`, bearer(tokens.mps));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ project: '45c0', tables: ['events', 'orders'], caller: 'MPS-test' });
  });

  it('refuses another project with 403 and the scope it needs', async () => {
    const res = await fetch(`${url}/v1/projects/77aa/tables`, bearer(tokens.mps));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="project-77aa"');
  });

  it('answers 401 with a challenge without a token', async () => {
    const res = await fetch(`${url}/v1/projects/45c0/tables`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${TABLES}"`);
  });

  it('gates client administration on the AdministerClients role', async () => {
    const ops = await fetch(`${url}/v1/clients`, bearer(tokens.ops));
    expect(ops.status).toBe(200);
    expect(await ops.json()).toEqual({ clients: [], caller: 'ops' });
    expect((await fetch(`${url}/v1/clients`, bearer(tokens.mps))).status).toBe(403);
  });

  it('calls the Ingestion API with its own client-credentials token', async () => {
    const res = await fetch(`${url}/v1/projects/45c0/ingestion`, bearer(tokens.mps));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      project: '45c0',
      jobs: [{ id: 'job-1', table: 'events', status: 'running' }],
    });
    expect(ingestionState.callers).toEqual(['tables-service']);
  });

  it('renews its token once when the Ingestion API answers 401', async () => {
    ingestionState.unauthorized = 1;
    const tokenRequests = op.counts['/token'] ?? 0;
    const res = await fetch(`${url}/v1/projects/45c0/ingestion`, bearer(tokens.mps));
    expect(res.status).toBe(200);
    // Two requests reached the Ingestion API: the one refused with 401, and the retry with a new token.
    expect(ingestionState.requests).toBe(2);
    expect(ingestionState.callers).toEqual(['tables-service']);
    expect((op.counts['/token'] ?? 0) - tokenRequests).toBe(1);
  });
});

describe('examples/nest-api start script', () => {
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('starts with the environment and serves /health', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd,
      env: { ...process.env, ...settings, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Nest Tables API on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child!.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
      child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const res = await fetch(`${started}/health`);
    expect(res.status).toBe(200);
    const denied = await fetch(`${started}/v1/projects/45c0/tables`);
    expect(denied.status).toBe(401);
  });
});
