import { startTestIssuer } from '@m2m-auth/testing';
import { generateKeyPair, SignJWT, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { runners } from '../support/run.js';
import { API, useTestServers } from '../support/servers.js';

const SECRET = 'verify-test-secret-77e1';
const now = (): number => Math.floor(Date.now() / 1000);

const servers = useTestServers({
  opClients: [{ clientId: 'op-basic', clientSecret: SECRET, scopes: ['read'] }],
});

/** A real JWT from oidc-provider (client_secret_basic, resource indicator). */
async function providerToken(): Promise<string> {
  const res = await fetch(`${servers.op.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`op-basic:${SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: API }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe.each(runners)('m2m-auth verify (%s)', (_, run) => {
  describe('against the embedded issuer', () => {
    const verify = (token: string, ...more: string[]) =>
      run(['verify', token, '--issuer', servers.issuer.issuer, '--audience', API, ...more]);

    it('exits 0 with a one-line summary for a valid token', async () => {
      const token = await servers.issuer.mint({ client_id: 'MPS-test', scope: 'project-45c0 tables:read' });
      const result = await verify(token);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(
        /^valid: client MPS-test, scopes project-45c0 tables:read, expires in 5 minutes \(\d{4}-[\d-]+T[\d:.]+Z\)\n$/,
      );
    });

    it('checks the scopes named with --scope', async () => {
      const token = await servers.issuer.mint({ client_id: 'MPS-test', scope: 'project-45c0' });
      expect((await verify(token, '--scope', 'project-45c0')).code).toBe(0);
      const missing = await verify(token, '--scope', 'project-77aa');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^m2m-auth verify: invalid token: scope_missing: .*\n$/);
    });

    it('exits 1 with the reason for an expired token', async () => {
      const token = await servers.issuer.mint({ client_id: 'MPS-test' }, { lifetime: -3600 });
      const result = await verify(token);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('m2m-auth verify: invalid token: token_expired: token expired\n');
    });

    it('exits 1 for another audience, another issuer, a foreign key and garbage', async () => {
      const token = await servers.issuer.mint({ client_id: 'MPS-test' });
      const audience = await run([
        'verify',
        token,
        '--issuer',
        servers.issuer.issuer,
        '--audience',
        'other-api',
      ]);
      expect(audience.code).toBe(1);
      expect(audience.stderr).toContain('audience_mismatch');

      const other = await startTestIssuer({ audience: API });
      try {
        const foreign = await run(['verify', token, '--issuer', other.issuer, '--audience', API]);
        expect(foreign.code).toBe(1);
        expect(foreign.stderr).toContain('issuer_mismatch');
      } finally {
        await other.close();
      }

      const { privateKey } = await generateKeyPair('RS256');
      const forged = await servers.issuer.mint({ client_id: 'MPS-test' }, { key: privateKey });
      const bad = await verify(forged);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/invalid token: (signature_invalid|unknown_kid|key_mismatch)/);
      expect(bad.stderr).not.toContain(forged);

      const garbage = await verify('garbage');
      expect(garbage.code).toBe(1);
      expect(garbage.stderr).toContain('token_malformed');
    });

    it('reads the token from stdin', async () => {
      const token = await servers.issuer.mint({ client_id: 'piped' });
      const result = await run(['verify', '-', '--issuer', servers.issuer.issuer, '--audience', API], {
        stdin: `${token}\n`,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('client piped');
    });

    it('needs --issuer and --audience (exit 2)', async () => {
      const token = await servers.issuer.mint();
      const noAudience = await run(['verify', token, '--issuer', servers.issuer.issuer]);
      expect(noAudience.code).toBe(2);
      expect(noAudience.stderr).toContain('--audience is required');
      const noIssuer = await run(['verify', token, '--audience', API]);
      expect(noIssuer.code).toBe(2);
      expect(noIssuer.stderr).toContain('--issuer is required');
    });
  });

  describe('against oidc-provider', () => {
    it('exits 0 for its JWT', async () => {
      const result = await run([
        'verify',
        await providerToken(),
        '--issuer',
        servers.op.issuer,
        '--audience',
        API,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^valid: client op-basic, scopes read, expires in 5 minutes/);
    });

    it('exits 1 for another audience', async () => {
      const result = await run([
        'verify',
        await providerToken(),
        '--issuer',
        servers.op.issuer,
        '--audience',
        'nope',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('invalid token: audience_mismatch');
    });

    it('exits 1 with token_expired for an expired token signed with its key', async () => {
      const key = await importJWK(servers.op.signingKey, 'RS256');
      const expired = await new SignJWT({ client_id: 'op-basic', scope: 'read' })
        .setProtectedHeader({ alg: 'RS256', kid: servers.op.signingKey.kid, typ: 'at+jwt' })
        .setIssuer(servers.op.issuer)
        .setAudience(API)
        .setIssuedAt(now() - 7200)
        .setExpirationTime(now() - 3600)
        .sign(key);
      const result = await run(['verify', expired, '--issuer', servers.op.issuer, '--audience', API]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('m2m-auth verify: invalid token: token_expired: token expired\n');
    });
  });
});
