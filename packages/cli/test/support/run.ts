/**
 * Runs `m2m-auth` two ways, with the same result shape: in process (`main` with a test `Io`) and as a
 * spawned process of the built package (its `bin`, as `pnpm exec m2m-auth` runs it).
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/io.js';
import { main } from '../../src/main.js';

export interface RunOptions {
  /** What is piped on stdin; `undefined` in process means a terminal (nothing piped). */
  stdin?: string;
  env?: Record<string, string>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (argv: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** `main()` in this process. */
export const inProcess: Runner = async (argv, options = {}) => {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () => options.stdin,
    env: options.env ?? {},
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
};

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${packageDir}package.json`, 'utf8')) as { bin: Record<string, string> };
/** The file `m2m-auth` is linked to (`bin/m2m-auth.js`, which loads `dist/bin.js`). */
export const binPath = fileURLToPath(new URL(pkg.bin['m2m-auth']!, `file://${packageDir}`));

/**
 * Builds the CLI (and what it references) with `tsc -b`, which does nothing when `dist/` is up to date.
 * A lock directory serializes the test files that call this at the same time.
 */
export function ensureBuilt(): void {
  const id = createHash('sha256').update(packageDir).digest('hex').slice(0, 12);
  const lock = join(tmpdir(), `m2m-auth-cli-build-${id}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a crashed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another build of packages/cli');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    const tsc = createRequire(`${repoRoot}package.json`).resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: repoRoot, stdio: 'pipe' });
    } catch (error) {
      const stdout: unknown = (error as { stdout?: unknown }).stdout;
      const output = Buffer.isBuffer(stdout) ? stdout.toString('utf8') : '';
      throw new Error(`tsc -b packages/cli failed:\n${output}`, { cause: error });
    }
  } finally {
    rmdirSync(lock);
  }
}

/** A clean environment for spawned runs: no NODE_OPTIONS or loaders from the test runner. */
function childEnv(env: Record<string, string> | undefined): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...env };
}

/** Starts the built `m2m-auth` with `argv`. */
export function spawnCli(
  argv: readonly string[],
  env?: Record<string, string>,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [binPath, ...argv], { env: childEnv(env), cwd: repoRoot });
}

/** The built `m2m-auth`, spawned; stdin gets `options.stdin` (or nothing: an empty pipe). */
export const spawned: Runner = (argv, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawnCli(argv, options.env);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });

/** Both runners, for `describe.each`. */
export const runners: readonly (readonly [string, Runner])[] = [
  ['in process', inProcess],
  ['spawned bin', spawned],
];
