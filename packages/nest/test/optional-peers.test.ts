/**
 * `@nestjs/axios` and `axios` are optional peers: an app that only verifies inbound tokens installs
 * neither, loads `@m2m-auth/nest` without them, and type-checks without their types (`skipLibCheck:
 * false`). The outbound client lives in `@m2m-auth/nest/http`. So are the packages of the other
 * contexts (`@nestjs/graphql` and `graphql`, `@nestjs/websockets`, `@nestjs/microservices`): an
 * HTTP-only app loads, runs its guard and type-checks without them. Runs against the built `dist/` (the
 * test command builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const dist = join(pkg, 'dist/index.js');
const block = fileURLToPath(new URL('./fixtures/block-axios.mjs', import.meta.url));
const load = fileURLToPath(new URL('./fixtures/load-nest.mjs', import.meta.url));
const blockTransports = fileURLToPath(new URL('./fixtures/block-transports.mjs', import.meta.url));
const httpOnlyApp = fileURLToPath(new URL('./fixtures/http-only-app.mjs', import.meta.url));
/** The optional peers of the other contexts. */
const TRANSPORT_PEERS = ['@nestjs/graphql', 'graphql', '@nestjs/websockets', '@nestjs/microservices'];
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface Loaded {
  exports: string[];
  http: string[];
  error: { name: string; message: string } | null;
}

async function run(args: string[]): Promise<Loaded> {
  const { stdout } = await promisify(execFile)(process.execPath, args);
  return JSON.parse(stdout) as Loaded;
}

interface Manifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

describe('optional peers', () => {
  it('the package is built', () => {
    expect(existsSync(dist), '@m2m-auth/nest is built (run pnpm build)').toBe(true);
  });

  it('no package an inbound app installs requires axios or @nestjs/axios', () => {
    // @m2m-auth/nest and its own @m2m-auth/* dependencies: a required peer would be installed by npm 7+.
    const dirs = [pkg];
    for (const name of Object.keys(manifest(pkg).dependencies ?? {})) {
      dirs.push(join(pkg, '..', name.replace('@m2m-auth/', '')));
    }
    for (const dir of dirs) {
      const { peerDependencies = {}, peerDependenciesMeta = {} } = manifest(dir);
      for (const peer of ['axios', '@nestjs/axios', ...TRANSPORT_PEERS]) {
        if (peer in peerDependencies)
          expect(peerDependenciesMeta[peer]?.optional, `${dir}: ${peer}`).toBe(true);
      }
    }
  });

  it('the main entry loads without @nestjs/axios and axios, and has no outbound exports', async () => {
    const result = await run(['--import', block, load, 'inbound']);
    expect(result.exports).toEqual(expect.arrayContaining(['M2mAuthModule', 'M2mAuthGuard', 'RequireScope']));
    expect(result.exports).not.toContain('M2mHttpModule');
  });

  it('declares the packages of the other contexts as optional peers', () => {
    const { peerDependencies = {}, peerDependenciesMeta = {} } = manifest(pkg);
    for (const peer of TRANSPORT_PEERS) {
      expect(peerDependencies[peer], peer).toBeDefined();
      expect(peerDependenciesMeta[peer]?.optional, peer).toBe(true);
    }
  });

  it('an HTTP-only app loads and runs its guard without the GraphQL, WebSocket and microservice packages', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      blockTransports,
      '--import',
      block,
      httpOnlyApp,
    ]);
    expect(JSON.parse(stdout)).toEqual({ status: 401, challenge: 'Bearer realm="api"' });
  });

  it('@m2m-auth/nest/http says what to install when they are missing', async () => {
    const result = await run(['--import', block, load]);
    expect(result.http).toEqual(expect.arrayContaining(['M2mHttpModule', 'InjectHttpClient']));
    expect(result.error?.message).toMatch(
      /M2mHttpModule needs the optional peer dependencies @nestjs\/axios and axios/,
    );
  });

  it('@m2m-auth/nest/http creates the client when they are installed', async () => {
    const result = await run([load]);
    expect(result.error).toBeNull();
  });

  it(
    'an inbound-only app type-checks with skipLibCheck: false where axios and the transports cannot be resolved',
    { timeout: 180_000 },
    async () => {
      // Inside the package's node_modules, so that @nestjs/common and @types/node resolve as in an app;
      // `axios` and `@nestjs/axios` resolve to an empty module, so any use of their types is an error.
      const dir = await mkdtemp(join(pkg, 'node_modules', '.m2m-typecheck-'));
      try {
        const compilerOptions = {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          experimentalDecorators: true,
          lib: ['ES2023'],
          types: ['node'],
          paths: {
            axios: ['./hidden.d.ts'],
            'axios/*': ['./hidden.d.ts'],
            '@nestjs/axios': ['./hidden.d.ts'],
            ...Object.fromEntries(TRANSPORT_PEERS.map((peer) => [peer, ['./hidden.d.ts']])),
            '@m2m-auth/nest': ['../../dist/index.d.ts'],
          },
        };
        await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
        await writeFile(join(dir, 'hidden.d.ts'), 'export {};\n');
        await writeFile(
          join(dir, 'app.ts'),
          [
            "import { Controller, Get, Module } from '@nestjs/common';",
            "import { M2mAuthModule, Principal, Public, Scopes } from '@m2m-auth/nest';",
            '@Controller()',
            'class TablesController {',
            "  @Get('health') @Public() health() { return { ok: true }; }",
            "  @Get('me') @Scopes('tables:read') me(@Principal() caller: Principal) { return caller.clientId; }",
            '}',
            '@Module({',
            "  imports: [M2mAuthModule.forRoot({ issuer: 'https://id.example', audience: 'api', protectAllRoutes: true })],",
            '  controllers: [TablesController],',
            '})',
            'export class AppModule {}',
            '',
          ].join('\n'),
        );
        // The control: the same settings do hide axios' types.
        await writeFile(
          join(dir, 'control.ts'),
          "import type { AxiosInstance } from 'axios';\nexport type A = AxiosInstance;\n",
        );
        await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['app.ts'] }));
        await writeFile(
          join(dir, 'tsconfig.control.json'),
          JSON.stringify({ compilerOptions: { ...compilerOptions, types: [] }, files: ['control.ts'] }),
        );
        const check = (project: string) =>
          promisify(execFile)(process.execPath, [tsc, '-p', join(dir, project)]).then(
            () => '',
            (err: { stdout?: string; message?: string }) => err.stdout ?? err.message ?? 'tsc failed',
          );

        expect(await check('tsconfig.control.json')).toMatch(/control\.ts.*error TS\d+:.*AxiosInstance/);
        expect(await check('tsconfig.json')).toBe('');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
