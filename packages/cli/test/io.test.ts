import { spawn } from 'node:child_process';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, spawnCli } from './support/run.js';

const SECRET = 'io-test-secret-8e2f41';

let issuer: TestIssuer;

beforeAll(async () => {
  ensureBuilt();
  issuer = await startTestIssuer({ clients: [{ clientId: 'svc', clientSecret: SECRET }] });
}, 120_000);

afterAll(async () => {
  await issuer?.close();
});

/** Runs `sh -c script` with $1 = node, $2 = the bin; resolves with its stderr and exit code. */
function shell(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script, 'sh', process.execPath, binPath], {
      env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    child.stdin.end();
  });
}

describe('output to a closed pipe (EPIPE)', () => {
  it('--help into a pipe whose reader has exited: no stack trace, exit 0', async () => {
    // The reader `(exit 0)` is gone long before node has started and writes.
    const result = await shell('{ "$1" "$2" --help; echo "exit $?" >&2; } | (exit 0)');
    expect(result.stderr).toBe('exit 0\n');
  });

  it('decode of a piped token after the reader closed: no stack trace, the exit code of the command', async () => {
    const token = await issuer.mint({ client_id: 'MPS-test' });
    const child = spawnCli(['decode', '-']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // Close our end of its stdout first; decode waits for stdin, so it writes only after that.
    await new Promise<void>((resolve) => {
      child.stdout.once('close', () => resolve());
      child.stdout.destroy();
    });
    child.stdin.end(`${token}\n`);
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});

/** Spawns the bin with `args`, stdin left open until `answer` is written once stderr matches `note`. */
async function answerWhenAsked(
  args: readonly string[],
  note: RegExp,
  answer: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const asked = new Promise<void>((resolve) =>
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (note.test(stderr)) resolve();
    }),
  );
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  await asked;
  child.stdin.end(answer);
  return { code: await exited, stdout, stderr };
}

describe('a stdin pipe that nobody closes', () => {
  it('decode says it waits for the token, then reads it', async () => {
    const token = await issuer.mint({ client_id: 'waited-for' });
    const result = await answerWhenAsked(['decode'], /waiting for the token on stdin/, token);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"client_id": "waited-for"');
    expect(result.stderr).toBe(
      'm2m-auth: waiting for the token on stdin (end it with Ctrl+D, or close the pipe; or give the token as an argument)\n',
    );
  });

  it('token says it waits for the client secret, then reads it', async () => {
    const result = await answerWhenAsked(
      ['token', '--issuer', issuer.issuer, '--client-id', 'svc'],
      /waiting for the client secret on stdin .*--client-secret-env/,
      SECRET,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
