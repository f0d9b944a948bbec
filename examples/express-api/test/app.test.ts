import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../test/support/listen.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';
import { createTablesApi } from '../src/app.js';

const AUDIENCE = 'https://tables.example';
let op: RunningProvider;
let api: Listening;

async function token(clientId: string, scope: string): Promise<string> {
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: `${clientId}-secret`,
      scope,
      resource: AUDIENCE,
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
    ],
    resources: { [AUDIENCE]: { scopes: ['project-45c0', 'project-77aa'] } },
  });
  api = await listen(createTablesApi({ issuer: op.issuer, audience: AUDIENCE }));
});

afterAll(async () => {
  await api?.close();
  await op?.close();
});

describe('examples/express-api', () => {
  it('lists the tables of the project the token is scoped to', async () => {
    const res = await fetch(`${api.url}/v1/projects/45c0/tables`, {
      headers: { authorization: `Bearer ${await token('MPS-test', 'project-45c0')}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ project: '45c0', tables: ['events', 'orders'], caller: 'MPS-test' });
  });

  it('refuses another project with 403', async () => {
    const res = await fetch(`${api.url}/v1/projects/77aa/tables`, {
      headers: { authorization: `Bearer ${await token('MPS-test', 'project-45c0')}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="project-77aa"');
  });

  it('gates client administration on the AdministerClients role', async () => {
    const ops = await fetch(`${api.url}/v1/clients`, {
      headers: { authorization: `Bearer ${await token('ops', 'project-77aa')}` },
    });
    expect(ops.status).toBe(200);
    const mps = await fetch(`${api.url}/v1/clients`, {
      headers: { authorization: `Bearer ${await token('MPS-test', 'project-45c0')}` },
    });
    expect(mps.status).toBe(403);
  });

  it('answers 401 without a token', async () => {
    const res = await fetch(`${api.url}/v1/projects/45c0/tables`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
  });
});

describe('examples/express-api start script', () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('starts with ISSUER and PORT, and protects its routes with tokens from that issuer', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd,
      env: { ...process.env, ISSUER: op.issuer, AUDIENCE, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Tables API on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child!.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
      child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    expect((await fetch(`${started}/v1/projects/45c0/tables`)).status).toBe(401);
    const res = await fetch(`${started}/v1/projects/45c0/tables`, {
      headers: { authorization: `Bearer ${await token('MPS-test', 'project-45c0')}` },
    });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start without ISSUER, exit code 1', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    delete env.ISSUER;
    const lone = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd, env, stdio: 'pipe' });
    let err = '';
    lone.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => lone.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('Set ISSUER');
  });
});
