/**
 * `@nestjs/axios` and `axios` are optional peers: an app that only verifies inbound tokens installs
 * neither. Runs against the built `dist/` (the test command builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const block = fileURLToPath(new URL('./fixtures/block-axios.mjs', import.meta.url));
const load = fileURLToPath(new URL('./fixtures/load-nest.mjs', import.meta.url));

async function run(
  args: string[],
): Promise<{ exports: string[]; error: { name: string; message: string } | null }> {
  const { stdout } = await promisify(execFile)(process.execPath, args);
  return JSON.parse(stdout) as { exports: string[]; error: { name: string; message: string } | null };
}

describe('optional peers', () => {
  it('the package is built', () => {
    expect(existsSync(dist), '@m2m-auth/nest is built (run pnpm build)').toBe(true);
  });

  it('loads without @nestjs/axios and axios, and M2mHttpModule says what to install', async () => {
    const result = await run(['--import', block, load]);
    expect(result.exports).toEqual(
      expect.arrayContaining(['M2mAuthModule', 'RequireScope', 'M2mHttpModule']),
    );
    expect(result.error?.message).toMatch(
      /M2mHttpModule needs the optional peer dependencies @nestjs\/axios and axios/,
    );
  });

  it('creates the client when they are installed', async () => {
    const result = await run([load]);
    expect(result.error).toBeNull();
  });
});
