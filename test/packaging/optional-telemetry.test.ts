/**
 * `@opentelemetry/api` is an optional peer of `@m2m-auth/core`: an app without it gets tokens all the
 * same. Runs the built `dist/` in a child process (the test command builds first).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const block = fileURLToPath(new URL('./fixtures/block-otel.mjs', import.meta.url));
const app = fileURLToPath(new URL('./fixtures/token-with-core.cjs', import.meta.url));
const SECRET = 'optional-otel-secret-0123';
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer({ clients: [{ clientId: 'svc', clientSecret: SECRET }] });
});
afterAll(() => issuer?.close());

async function run(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [...args, app], {
    cwd: root,
    env: { ...process.env, TOKEN_ENDPOINT: issuer.tokenEndpoint, CLIENT_SECRET: SECRET },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('without @opentelemetry/api', () => {
  it('a CommonJS app gets its token', async () => {
    const result = await run(['--import', block]);
    expect(result).toEqual({ otel: false, type: 'Bearer', length: expect.any(Number) });
    expect(result.length).toBeGreaterThan(20);
  });

  it('and with it installed, the same app gets its token too', async () => {
    expect(await run([])).toEqual({ otel: true, type: 'Bearer', length: expect.any(Number) });
  });
});
