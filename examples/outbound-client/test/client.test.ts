import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { TokenRequestError } from '@m2m-auth/core';
import { createTablesApi } from '@m2m-auth/example-express-api/src/app.js';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../test/support/listen.js';
import { ApiError, createOutboundClient, type OutboundClient } from '../src/client.js';

const AUDIENCE = 'https://tables.example';
const SECRET = 'outbound-example-secret-3b8d';

let issuer: TestIssuer;
let api: Listening;
/** The bearer token of every request the API received, in order. */
let seen: string[] = [];
/** Tokens the API treats as revoked (401), in front of the real Tables API. */
const revoked = new Set<string>();
let rejectAll = false;

beforeAll(async () => {
  issuer = await startTestIssuer({
    realms: ['acme'],
    audience: AUDIENCE,
    clients: [
      // Only client_secret_post is accepted, and no scope is granted unless asked for.
      { clientId: 'MPS-test', clientSecret: SECRET, scopes: ['project-*'], authMethod: 'client_secret_post' },
    ],
  });
  const tables = createTablesApi({ issuer: issuer.issuer, audience: AUDIENCE });
  api = await listen((req: IncomingMessage, res: ServerResponse) => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    seen.push(token);
    if (rejectAll || revoked.has(token)) {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': 'Bearer error="invalid_token", error_description="token revoked"',
      });
      res.end(JSON.stringify({ error: 'invalid_token', error_description: 'token revoked' }));
      return;
    }
    void tables(req, res);
  });
});

afterAll(async () => {
  await api?.close();
  await issuer?.close();
});

let client: OutboundClient;

beforeEach(() => {
  seen = [];
  revoked.clear();
  rejectAll = false;
  issuer.resetCounts();
  client = createOutboundClient({
    issuer: issuer.issuer,
    clientId: 'MPS-test',
    clientSecret: SECRET,
    apiUrl: api.url,
    project: '45c0',
  });
  return () => client.close();
});

describe('examples/outbound-client', () => {
  it('gets a project-scoped token (client_secret_post) and lists the tables', async () => {
    expect(await client.listTables()).toEqual({
      project: '45c0',
      tables: ['events', 'orders'],
      caller: 'MPS-test',
    });
    expect(issuer.count('token')).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('reuses its cached token', async () => {
    await client.listTables();
    await client.listTables();
    expect(issuer.count('token')).toBe(1);
    expect(seen[0]).toBe(seen[1]);
  });

  it('recovers from a 401 with one new token and one retry', async () => {
    await client.listTables();
    const first = seen[0]!;
    revoked.add(first);

    expect((await client.listTables()).tables).toEqual(['events', 'orders']);
    expect(seen).toHaveLength(3);
    expect(seen[1]).toBe(first); // refused with 401
    expect(seen[2]).not.toBe(first); // the retry, with a new token
    expect(issuer.count('token')).toBe(2);
  });

  it('retries a 401 only once, then reports it', async () => {
    rejectAll = true;
    const error = await client.listTables().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(issuer.count('token')).toBe(2);
  });

  it('fails with invalid_client for a wrong secret, without the secret in the error', async () => {
    const wrong = createOutboundClient({
      issuer: issuer.issuer,
      clientId: 'MPS-test',
      clientSecret: 'wrong-secret-value-1a2b',
      apiUrl: api.url,
      project: '45c0',
    });
    try {
      const error = await wrong.listTables().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenRequestError);
      expect((error as TokenRequestError).error).toBe('invalid_client');
      expect(JSON.stringify(error) + String(error)).not.toContain('wrong-secret-value-1a2b');
      expect(seen).toHaveLength(0);
    } finally {
      wrong.close();
    }
  });
});

describe('examples/outbound-client start script (src/main.ts)', () => {
  const dir = fileURLToPath(new URL('../', import.meta.url));
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('lists the tables of PROJECT', async () => {
    const result = await start({
      ISSUER: issuer.issuer,
      CLIENT_ID: 'MPS-test',
      CLIENT_SECRET: SECRET,
      API_URL: api.url,
      PROJECT: '77aa',
    });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'project 77aa: invoices\n' });
  });

  it('names the missing variables, exit 2', async () => {
    const result = await start({ ISSUER: issuer.issuer });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CLIENT_ID, CLIENT_SECRET, API_URL, PROJECT');
  });
});
