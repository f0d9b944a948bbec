import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { binPath } from './support/run.js';
import { API, useTestServers } from './support/servers.js';

const SECRET = 'pipeline-secret-5c21e0';

const servers = useTestServers({
  issuerClients: [{ clientId: 'MPS-test', clientSecret: SECRET, scopes: ['project-*'] }],
  opClients: [{ clientId: 'op-basic', clientSecret: SECRET, scopes: ['read'] }],
});

/**
 * `printf '%s' "$SECRET" | m2m-auth token $TOKEN_ARGS | m2m-auth verify $VERIFY_ARGS` in a real shell,
 * the secret passed in the environment. Resolves with the output of verify and its exit code.
 */
function pipeline(
  tokenArgs: readonly string[],
  verifyArgs: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  // The arguments are quoted into the script (none holds a quote); $0 is node, $1 the bin.
  const quote = (args: readonly string[]): string =>
    args
      .map((a) => {
        if (a.includes("'")) throw new Error(`cannot quote ${a}`);
        return `'${a}'`;
      })
      .join(' ');
  const command = `printf '%s' "$SECRET" | "$0" "$1" token ${quote(tokenArgs)} | "$0" "$1" verify ${quote(verifyArgs)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command, process.execPath, binPath], {
      env: { PATH: process.env.PATH ?? '', SECRET },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    // verify may note that it waits for the token while token runs: not a failure.
    const quiet = (text: string): string =>
      text.replace(/^m2m-auth: waiting for the token on stdin .*\n/m, '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: quiet(stderr) }));
    child.stdin.end();
  });
}

describe('m2m-auth token | m2m-auth verify', () => {
  it('against the embedded issuer (a Keycloak-style realm)', async () => {
    const result = await pipeline(
      ['--issuer', servers.issuer.issuer, '--client-id', 'MPS-test', '--scope', 'project-45c0'],
      ['--issuer', servers.issuer.issuer, '--audience', API, '--scope', 'project-45c0'],
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: client MPS-test, scopes project-45c0, expires in 5 minutes \(/);
  });

  it('against oidc-provider (a JWT for a resource, client_secret_basic)', async () => {
    const result = await pipeline(
      [
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
      ['--issuer', servers.op.issuer, '--audience', API, '--scope', 'read'],
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: client op-basic, scopes read, expires in 5 minutes \(/);
  });

  it('fails in verify when the token is not for that audience', async () => {
    const result = await pipeline(
      ['--issuer', servers.issuer.issuer, '--client-id', 'MPS-test'],
      ['--issuer', servers.issuer.issuer, '--audience', 'another-api'],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^m2m-auth verify: invalid token: audience_mismatch: /);
  });
});
