import { spawn } from 'node:child_process';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, spawnCli } from './support/run.js';

let issuer: TestIssuer;

beforeAll(async () => {
  ensureBuilt();
  issuer = await startTestIssuer();
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
