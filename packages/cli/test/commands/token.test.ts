import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { runners } from '../support/run.js';
import { API, useTestServers } from '../support/servers.js';

const SECRET = 'cli-test-secret-9f3a7c';
const WRONG = 'not-the-secret-51d0e2';
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

const servers = useTestServers({
  issuerClients: [
    { clientId: 'MPS-test', clientSecret: SECRET, scopes: ['project-*'] },
    { clientId: 'basic-only', clientSecret: SECRET, scopes: ['read'], authMethod: 'client_secret_basic' },
    { clientId: 'short', clientSecret: 'c', scopes: ['read'] },
    { clientId: 'refreshing', clientSecret: SECRET, scopes: ['project-*'], refreshTokens: true },
  ],
  opClients: [
    { clientId: 'op-basic', clientSecret: SECRET, scopes: ['read'], authMethod: 'client_secret_basic' },
    { clientId: 'op-post', clientSecret: SECRET, scopes: ['read'], authMethod: 'client_secret_post' },
  ],
});

describe.each(runners)('m2m-auth token (%s)', (_, run) => {
  describe('against the embedded issuer', () => {
    it('prints only the token, reading the secret from stdin', async () => {
      const result = await run(
        ['token', '--issuer', servers.issuer.issuer, '--client-id', 'MPS-test', '--scope', 'project-45c0'],
        { stdin: `${SECRET}\n` },
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.endsWith('\n')).toBe(true);
      const token = result.stdout.trimEnd();
      expect(token).toMatch(JWT);
      expect(decodeJwt(token)).toMatchObject({
        iss: servers.issuer.issuer,
        client_id: 'MPS-test',
        scope: 'project-45c0',
      });
    });

    it('reads the secret from the variable --client-secret-env names; --json prints the whole Keycloak response', async () => {
      const result = await run(
        [
          'token',
          '--issuer',
          servers.issuer.issuer,
          '--client-id',
          'refreshing',
          '--client-secret-env',
          'MY_SECRET',
          '--scope',
          'project-45c0',
          '--json',
        ],
        { env: { MY_SECRET: SECRET } },
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const json = JSON.parse(result.stdout);
      // Keycloak's fields, in Keycloak's order, refresh token and provider extras included.
      expect(Object.keys(json)).toEqual([
        'access_token',
        'expires_in',
        'refresh_expires_in',
        'refresh_token',
        'token_type',
        'not-before-policy',
        'scope',
      ]);
      expect(json).toMatchObject({
        expires_in: 300,
        refresh_expires_in: 1800,
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        'not-before-policy': 0,
        scope: 'project-45c0',
      });
      expect(decodeJwt(json.access_token)).toMatchObject({ client_id: 'refreshing', scope: 'project-45c0' });
      expect(result.stdout).not.toContain(SECRET);
    });

    it('uses client_secret_basic with --auth client_secret_basic (and post by default)', async () => {
      const args = ['token', '--issuer', servers.issuer.issuer, '--client-id', 'basic-only'];
      const basic = await run([...args, '--auth', 'client_secret_basic'], { stdin: SECRET });
      expect(basic.code).toBe(0);
      expect(decodeJwt(basic.stdout.trim())).toMatchObject({ client_id: 'basic-only' });
      const post = await run(args, { stdin: SECRET });
      expect(post.code).toBe(1);
      expect(post.stderr).toContain('invalid_client');
    });

    it('talks to --token-endpoint without discovery', async () => {
      const discovery = servers.issuer.count('discovery');
      const result = await run(
        [
          'token',
          '--token-endpoint',
          servers.issuer.tokenEndpoint,
          '--client-id',
          'MPS-test',
          '--scope',
          'project-1',
        ],
        { stdin: SECRET },
      );
      expect(result.code).toBe(0);
      expect(decodeJwt(result.stdout.trim()).scope).toBe('project-1');
      expect(servers.issuer.count('discovery')).toBe(discovery);
    });

    it('fails with exit 1 and invalid_client for a wrong secret, never printing the secret', async () => {
      const result = await run(['token', '--issuer', servers.issuer.issuer, '--client-id', 'MPS-test'], {
        stdin: WRONG,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^m2m-auth token: .*invalid_client.*\n$/);
      expect(result.stderr).not.toContain(WRONG);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });

    it('keeps its messages intact with a one-letter secret (no redaction inside words)', async () => {
      const result = await run(['token', '--issuer', servers.issuer.issuer, '--client-id', 'MPS-test'], {
        stdin: 'c',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^m2m-auth token: the token endpoint refused the request: invalid_client \(.*\), HTTP 401; check the client id, the secret and --auth\n$/,
      );
      expect(result.stderr).not.toContain('[redacted]');
    });

    it('redacts a long secret that the server echoes, and withholds a text echoing a short one', async () => {
      // The embedded issuer repeats a refused scope in its error_description.
      const long = await run(
        ['token', '--issuer', servers.issuer.issuer, '--client-id', 'MPS-test', '--scope', SECRET],
        { stdin: SECRET },
      );
      expect(long.code).toBe(1);
      expect(long.stderr).toContain("invalid_scope (the client may not request scope '[redacted]')");
      expect(long.stderr).not.toContain(SECRET);

      const short = await run(
        ['token', '--issuer', servers.issuer.issuer, '--client-id', 'short', '--scope', 'c'],
        {
          stdin: 'c',
        },
      );
      expect(short.code).toBe(1);
      expect(short.stderr).toBe(
        'm2m-auth token: the token endpoint refused the request: invalid_scope ((withheld: it held a secret)), HTTP 400; the client may not ask for that scope\n',
      );
    });

    it('fails with invalid_scope for a scope the client may not have', async () => {
      const result = await run(
        ['token', '--issuer', servers.issuer.issuer, '--client-id', 'MPS-test', '--scope', 'admin'],
        { stdin: SECRET },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('invalid_scope');
    });

    it('explains a missing secret', async () => {
      const none = await run(['token', '--issuer', servers.issuer.issuer, '--client-id', 'MPS-test']);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/no client secret/);
      expect(none.stderr).toContain('--client-secret-env');

      const unset = await run([
        'token',
        '--issuer',
        servers.issuer.issuer,
        '--client-id',
        'MPS-test',
        '--client-secret-env',
        'UNSET_VARIABLE',
      ]);
      expect(unset.code).toBe(1);
      expect(unset.stderr).toContain('UNSET_VARIABLE');
    });

    it('refuses a bad command line with exit 2 and the usage', async () => {
      const noId = await run(['token', '--issuer', servers.issuer.issuer], { stdin: SECRET });
      expect(noId.code).toBe(2);
      expect(noId.stderr).toContain('--client-id is required');
      expect(noId.stderr).toContain('Usage: m2m-auth token');

      const both = await run(
        [
          'token',
          '--issuer',
          servers.issuer.issuer,
          '--token-endpoint',
          servers.issuer.tokenEndpoint,
          '--client-id',
          'x',
        ],
        { stdin: SECRET },
      );
      expect(both.code).toBe(2);

      const plain = await run(['token', '--issuer', 'http://id.example/', '--client-id', 'x'], {
        stdin: SECRET,
      });
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain('--allow-insecure');

      const secretFlag = await run(['token', `--client-secret=${WRONG}`, '--client-id', 'x']);
      expect(secretFlag.code).toBe(2);
      expect(secretFlag.stderr).toContain('--client-secret-env');
      expect(secretFlag.stderr).not.toContain(WRONG);

      const stray = await run(['token', '--client-id', 'x', WRONG]);
      expect(stray.code).toBe(2);
      expect(stray.stderr).not.toContain(WRONG);
    });
  });

  describe('against oidc-provider', () => {
    it('gets a JWT for a resource with client_secret_basic', async () => {
      const result = await run(
        [
          'token',
          '--issuer',
          servers.op.issuer,
          '--client-id',
          'op-basic',
          '--auth',
          'client_secret_basic',
          '--scope',
          'read',
          '--resource',
          API,
        ],
        { stdin: SECRET },
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.trim()).toMatch(JWT);
      expect(decodeJwt(result.stdout.trim())).toMatchObject({
        iss: servers.op.issuer,
        aud: API,
        client_id: 'op-basic',
        scope: 'read',
      });
    });

    it('gets an opaque token with client_secret_post; --json prints its response as is', async () => {
      const result = await run(
        [
          'token',
          '--issuer',
          servers.op.issuer,
          '--client-id',
          'op-post',
          '--client-secret-env',
          'S',
          '--json',
        ],
        { env: { S: SECRET } },
      );
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout);
      // oidc-provider grants no scope unless asked, and then sends none.
      expect(Object.keys(json).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
      expect(json.access_token).not.toMatch(JWT);
    });

    it('fails with invalid_client for a wrong secret, never printing it', async () => {
      const result = await run(
        ['token', '--issuer', servers.op.issuer, '--client-id', 'op-basic', '--auth', 'client_secret_basic'],
        { stdin: WRONG },
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('invalid_client');
      expect(result.stderr).not.toContain(WRONG);
    });
  });

  describe('against a faulty token endpoint', () => {
    it('--json refuses to print a response that holds the client secret', async () => {
      // A fault: an endpoint that echoes the secret it was sent.
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          const sent = new URLSearchParams(body).get('client_secret');
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ access_token: 'abc', token_type: 'Bearer', expires_in: 60, echo: sent }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const endpoint = `http://127.0.0.1:${port}/token`;
        const args = ['token', '--token-endpoint', endpoint, '--client-id', 'x'];
        const plain = await run(args, { stdin: SECRET });
        expect(plain).toEqual({ code: 0, stdout: 'abc\n', stderr: '' });
        const json = await run([...args, '--json'], { stdin: SECRET });
        expect(json.code).toBe(1);
        expect(json.stdout).toBe('');
        expect(json.stderr).toBe(
          'm2m-auth token: the token response holds the client secret; it is not printed\n',
        );
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
