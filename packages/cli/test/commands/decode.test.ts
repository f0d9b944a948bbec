import { describe, expect, it } from 'vitest';
import { runners } from '../support/run.js';
import { API, useTestServers } from '../support/servers.js';

const SECRET = 'decode-test-secret-3b8d';

const servers = useTestServers({
  opClients: [{ clientId: 'op-basic', clientSecret: SECRET, scopes: ['read'] }],
});

const now = (): number => Math.floor(Date.now() / 1000);

describe.each(runners)('m2m-auth decode (%s)', (runner, run) => {
  it('prints the header and claims, says it did not verify, and the expiry in words', async () => {
    const token = await servers.issuer.mint(
      { client_id: 'MPS-test', scope: 'project-45c0' },
      { lifetime: 240 },
    );
    const result = await run(['decode', token]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/NOT verified/);
    expect(result.stdout).toContain('"alg": "RS256"');
    expect(result.stdout).toContain('"client_id": "MPS-test"');
    expect(result.stdout).toContain('"scope": "project-45c0"');
    expect(result.stdout).toContain(`"iss": "${servers.issuer.issuer}"`);
    expect(result.stdout).toMatch(/Expires: +\d{4}-\d\d-\d\dT[\d:.]+Z \(expires in 4 minutes\)/);
    expect(result.stdout).toMatch(/Issued: +\d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ seconds? ago\)/);
  });

  it('says how long ago an expired token expired', async () => {
    const token = await servers.issuer.mint({ iat: now() - 4 * 3600, exp: now() - 3 * 3600 });
    const result = await run(['decode', token]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(expired 3 hours ago)');
    expect(result.stdout).toContain('(4 hours ago)');
  });

  it('says when a token has no expiry, and when it becomes valid', async () => {
    const token = await servers.issuer.mint({ exp: undefined, nbf: now() + 120 });
    const result = await run(['decode', token]);
    expect(result.stdout).toContain('Expires:    never');
    expect(result.stdout).toContain('(valid in 2 minutes)');
  });

  it('reads the token from stdin with "-" or no argument, dropping a "Bearer " prefix', async () => {
    const token = await servers.issuer.mint({ client_id: 'piped' });
    for (const args of [['decode', '-'], ['decode']]) {
      const result = await run(args, { stdin: `Bearer ${token}\n` });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('"client_id": "piped"');
    }
  });

  it('prints JSON with --json', async () => {
    const token = await servers.issuer.mint({ client_id: 'json' });
    const result = await run(['decode', token, '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ header: { alg: 'RS256' }, claims: { client_id: 'json' }, verified: false });
    expect(result.stderr).toContain('not verified');
  });

  it('explains an opaque token, an encrypted one and garbage, with exit 1 and without echoing them', async () => {
    const opaque = 'uXk3Rj0v9aQ2mZ7tYp4LwN8sB1cD6eF';
    const cases: [string, RegExp][] = [
      [opaque, /not a JWT .*opaque token/],
      ['aaaa.bbbb.cccc.dddd.eeee', /encrypted JWT \(JWE/],
      ['bm90IGpzb24.eyJhIjoxfQ.c2ln', /header is not base64url-encoded JSON/],
      ['eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', /payload is not a base64url-encoded JSON object/],
    ];
    for (const [token, message] of cases) {
      const result = await run(['decode', token]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain(token);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('needs a token: exit 2 when none is given and nothing is piped', async () => {
    const result = await run(['decode']);
    if (runner === 'in process') {
      // a terminal: nothing piped
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: m2m-auth decode');
    } else {
      // the spawned bin gets an empty pipe
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('stdin held no token');
    }
    const empty = await run(['decode', '-'], { stdin: '\n' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('stdin held no token');
    const two = await run(['decode', 'a', 'b']);
    expect(two.code).toBe(2);
  });

  it('decodes a JWT access token of oidc-provider (RFC 9068, typ at+jwt)', async () => {
    const res = await fetch(`${servers.op.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`op-basic:${SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: API }),
    });
    expect(res.status).toBe(200);
    const token = ((await res.json()) as { access_token: string }).access_token;
    const result = await run(['decode', token, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      header: { alg: 'RS256', typ: 'at+jwt', kid: servers.op.signingKey.kid },
      claims: { iss: servers.op.issuer, aud: API, client_id: 'op-basic', scope: 'read', sub: 'op-basic' },
      verified: false,
    });
    const text = await run(['decode', token]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Expires: +\S+ \(expires in 5 minutes\)/);
  });
});
