import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/io.js';
import { main } from '../../src/main.js';
import { ensureBuilt, inProcess, spawnCli, spawned } from '../support/run.js';

const GIVEN = 'given-secret-0c4e9b';

beforeAll(() => ensureBuilt(), 120_000);

/** Waits until `read()` matches `pattern`, polling. */
async function waitFor(read: () => string, pattern: RegExp, timeout = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('m2m-auth issuer, in process', () => {
  it('serves the realms and clients it prints, shows generated secrets only, and stops on the signal', async () => {
    let stdout = '';
    let stderr = '';
    const stop = new AbortController();
    const io: Io = {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      readStdin: async () => undefined,
      env: {},
      signal: stop.signal,
    };
    const running = main(
      [
        'issuer',
        '--realm',
        'acme',
        '--realm',
        'globex',
        '--client',
        `MPS-test:${GIVEN}:project-*,tables:read`,
        '--client',
        'globex/ops',
        '--audience',
        'https://tables.example',
        '--token-lifetime',
        '60',
      ],
      io,
    );
    await waitFor(() => stdout, /Press Ctrl\+C to stop/);
    expect(stdout).not.toContain(GIVEN);
    expect(stdout).toMatch(/MPS-test +secret: \(as given\) +scopes: project-\* tables:read/);
    const acme = /Realm acme\n +Issuer: +(\S+)/.exec(stdout)![1]!;
    const globex = /Realm globex\n +Issuer: +(\S+)/.exec(stdout)![1]!;
    expect(acme).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/realms\/acme$/);
    const opsSecret = /ops +secret: (\S+) \(generated\)/.exec(stdout)![1]!;

    const mine = await inProcess(
      ['token', '--issuer', acme, '--client-id', 'MPS-test', '--scope', 'project-45c0'],
      { stdin: GIVEN },
    );
    expect(mine.code).toBe(0);
    const claims = decodeJwt(mine.stdout.trim());
    expect(claims).toMatchObject({ iss: acme, aud: 'https://tables.example', scope: 'project-45c0' });
    expect(claims.exp! - claims.iat!).toBe(60);

    const ops = await inProcess(['token', '--issuer', globex, '--client-id', 'ops'], { stdin: opsSecret });
    expect(ops.code).toBe(0);
    expect(decodeJwt(ops.stdout.trim()).iss).toBe(globex);

    stop.abort();
    expect(await running).toBe(0);
    expect(stderr).toContain('stopped');
    await expect(fetch(`${acme}/.well-known/openid-configuration`)).rejects.toThrow();
  });

  it('refuses bad options with exit 2, and a taken port with exit 1', async () => {
    expect((await inProcess(['issuer', '--port', 'eighty'])).code).toBe(2);
    expect((await inProcess(['issuer', '--port', '70000'])).code).toBe(2);
    expect((await inProcess(['issuer', '--client', ':secret'])).code).toBe(2);
    const badRealm = await inProcess(['issuer', '--realm', 'a b']);
    expect(badRealm.code).toBe(2);
    expect(badRealm.stderr).toContain('--realm');

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const taken = await inProcess(['issuer', '--port', String(port)]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toBe(
        `m2m-auth issuer: port ${port} is in use; pick another with --port (0 for a free one)\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('m2m-auth issuer, the built bin as a process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints its URL, issues tokens, and exits 0 on ${signal}`, async () => {
      const child = spawnCli(['issuer', '--port', '0']);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.on('exit', (code, sig) => resolve([code, sig])),
      );
      try {
        await waitFor(() => stdout + stderr, /Press Ctrl\+C to stop/);
        const url = /Issuer: +(\S+)/.exec(stdout)![1]!;
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const secret = /dev-client +secret: (\S+) \(generated\)/.exec(stdout)![1]!;

        const token = await spawned(['token', '--issuer', url, '--client-id', 'dev-client'], {
          stdin: secret,
        });
        expect(token.code).toBe(0);
        expect(decodeJwt(token.stdout.trim())).toMatchObject({ iss: url, client_id: 'dev-client' });
      } finally {
        child.kill(signal);
      }
      expect(await exited).toEqual([0, null]);
      expect(stderr).toContain('m2m-auth issuer: stopped');
    });
  }

  it('takes the secrets of clients given without one from --client-secret-env, never printing them', async () => {
    const fromEnv = 'env-secret-7d31aa90';
    const child = spawnCli(
      [
        'issuer',
        '--realm',
        'acme',
        '--client',
        'MPS-test::project-*',
        '--client',
        `other:${GIVEN}:read`,
        '--client-secret-env',
        'DEV_SECRET',
      ],
      { DEV_SECRET: fromEnv },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stdout, /Press Ctrl\+C to stop/);
      expect(stdout).not.toContain(fromEnv);
      expect(stdout).toMatch(/MPS-test +secret: \(from \$DEV_SECRET\) +scopes: project-\*/);
      expect(stdout).toMatch(/other +secret: \(as given\)/);
      expect(stdout).toContain('--client-id MPS-test --client-secret-env DEV_SECRET');
      const url = /Issuer: +(\S+)/.exec(stdout)![1]!;
      const args = ['token', '--issuer', url, '--client-secret-env', 'S'];
      const mine = await spawned([...args, '--client-id', 'MPS-test', '--scope', 'project-1'], {
        env: { S: fromEnv },
      });
      expect(mine.code).toBe(0);
      expect(decodeJwt(mine.stdout.trim())).toMatchObject({ client_id: 'MPS-test', scope: 'project-1' });
      const other = await spawned([...args, '--client-id', 'other'], { env: { S: GIVEN } });
      expect(other.code).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses --client-secret-env naming an unset variable (exit 1), before listening', async () => {
    const result = await spawned(['issuer', '--client-secret-env', 'UNSET_SECRET_VARIABLE']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'm2m-auth issuer: environment variable UNSET_SECRET_VARIABLE (from --client-secret-env) is not set or empty\n',
    );
  });
});
