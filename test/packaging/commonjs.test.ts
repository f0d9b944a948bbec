/**
 * Every package is ESM, and must load with require() from a CommonJS app on Node >= 20.19 (no
 * top-level await anywhere in the graph). Runs against the built `dist/` (the test command builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/require-packages.cjs', import.meta.url));
const run = promisify(execFile);

/** Package → the exports a CommonJS app must find, and where it is required from. */
const expected: Record<string, { exports: string[]; from?: string }> = {
  '@m2m-auth/core': { exports: ['createVerifier', 'authenticate', 'AuthError', 'keycloak', 'checkScopes'] },
  '@m2m-auth/express': { exports: ['requireAuth', 'requireScope', 'requirePermission', 'claimCheck'] },
  '@m2m-auth/axios': { exports: ['attachTokens'] },
  '@m2m-auth/nest': {
    exports: ['M2mAuthModule', 'M2mAuthGuard', 'RequireScope', 'ClientPermission', 'M2mHttpModule'],
  },
  '@m2m-auth/cli': { exports: ['main', 'processIo'] },
  // Not a dependency of the monorepo root: required as its dependent @m2m-auth/cli resolves it.
  '@m2m-auth/testing': { exports: ['startTestIssuer'], from: 'packages/cli/package.json' },
};

interface Manifest {
  version: string;
  bin?: Record<string, string>;
  exports: Record<string, unknown>;
}

function manifest(name: string): Manifest {
  const dir = name.replace('@m2m-auth/', 'packages/');
  return JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8')) as Manifest;
}

/** The entry points of a package: its `exports` subpaths, as specifiers (`@m2m-auth/nest/http`). */
function entryPoints(name: string): Map<string, Record<string, string>> {
  const entries = new Map<string, Record<string, string>>();
  for (const [subpath, target] of Object.entries(manifest(name).exports)) {
    if (subpath === './package.json') continue;
    entries.set(`${name}${subpath.slice(1)}`, target as Record<string, string>);
  }
  return entries;
}

describe('CommonJS consumers', () => {
  it('built packages exist, and each export condition names a built file, types first', () => {
    for (const name of Object.keys(expected)) {
      const dir = name.replace('@m2m-auth/', 'packages/');
      expect(existsSync(`${root}${dir}/dist/index.js`), `${name} is built (run pnpm build)`).toBe(true);
      expect(manifest(name).exports['./package.json']).toBe('./package.json');
      for (const [specifier, conditions] of entryPoints(name)) {
        expect(Object.keys(conditions)[0], `${specifier}: "types" comes first`).toBe('types');
        for (const [condition, file] of Object.entries(conditions)) {
          expect(existsSync(`${root}${dir}/${file}`), `${specifier} ${condition}: ${file}`).toBe(true);
        }
      }
    }
  });

  it('require() loads every entry point of every package, with its exports', async () => {
    const groups = new Map<string | undefined, string[]>();
    for (const [name, { from }] of Object.entries(expected)) {
      groups.set(from, [...(groups.get(from) ?? []), ...entryPoints(name).keys()]);
    }
    const loaded: Record<string, string[]> = {};
    for (const [from, specifiers] of groups) {
      const env = { ...process.env, ...(from ? { REQUIRE_FROM: `${root}${from}` } : {}) };
      const { stdout } = await run(process.execPath, [fixture, ...specifiers], { cwd: root, env });
      Object.assign(loaded, JSON.parse(stdout) as Record<string, string[]>);
    }
    for (const [name, { exports }] of Object.entries(expected)) {
      // The names may live in any entry point of the package (`@m2m-auth/nest/http`, say).
      const all = [...entryPoints(name).keys()].flatMap((specifier) => loaded[specifier] ?? []);
      expect(all, name).toEqual(expect.arrayContaining(exports));
      for (const specifier of entryPoints(name).keys()) expect(loaded[specifier], specifier).toBeDefined();
    }
  });
});

describe('the m2m-auth command of the built cli', () => {
  const cli = manifest('@m2m-auth/cli');
  const bin = cli.bin?.['m2m-auth'];

  it('is declared in bin, as an executable node script', () => {
    expect(bin).toBeDefined();
    const file = `${root}packages/cli/${bin}`;
    expect(readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the package version for --version, run as its own process', async () => {
    const { stdout, stderr } = await run(process.execPath, [`${root}packages/cli/${bin}`, '--version'], {
      cwd: root,
    });
    expect(stdout).toBe(`${cli.version}\n`);
    expect(stderr).toBe('');
  });

  it('runs through the link the package manager made (node_modules/.bin)', async () => {
    const { stdout } = await run(`${root}node_modules/.bin/m2m-auth`, ['--version'], { cwd: root });
    expect(stdout).toBe(`${cli.version}\n`);
  });
});
