/**
 * Every package is ESM, and must load with require() from a CommonJS app on Node >= 20.19 (no
 * top-level await anywhere in the graph). Runs against the built `dist/` (the test command builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/require-packages.cjs', import.meta.url));

const expected: Record<string, string[]> = {
  '@m2m-auth/core': ['createVerifier', 'authenticate', 'AuthError', 'keycloak', 'checkScopes'],
  '@m2m-auth/express': ['requireAuth', 'requireScope', 'requirePermission', 'claimCheck'],
  '@m2m-auth/axios': ['attachTokens'],
  '@m2m-auth/nest': ['M2mAuthModule', 'M2mAuthGuard', 'RequireScope', 'ClientPermission', 'M2mHttpModule'],
};

describe('CommonJS consumers', () => {
  it('built packages exist', () => {
    for (const name of Object.keys(expected)) {
      const dir = name.replace('@m2m-auth/', 'packages/');
      expect(existsSync(`${root}${dir}/dist/index.js`), `${name} is built (run pnpm build)`).toBe(true);
    }
  });

  it('require() loads every package with its exports', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture, ...Object.keys(expected)], {
      cwd: root,
    });
    const loaded = JSON.parse(stdout) as Record<string, string[]>;
    for (const [name, exports] of Object.entries(expected)) {
      expect(loaded[name]).toEqual(expect.arrayContaining(exports));
    }
  });
});
