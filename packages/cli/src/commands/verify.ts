import { AuthError, checkScopes, ConfigurationError, createVerifier, type Principal } from '@m2m-auth/core';
import { required, words } from '../lib/args.js';
import { defineCommand } from '../lib/command.js';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from '../lib/errors.js';
import { readToken } from '../lib/read-token.js';
import { expiry } from '../lib/time.js';
import { checkUrl } from '../lib/urls.js';

const OPTIONS = {
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  'allow-insecure': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: m2m-auth verify [TOKEN | -] --issuer URL --audience AUDIENCE [--scope SCOPE]…

Verifies a JWT access token as an API protected by m2m-auth would: its signature against the issuer's
keys (found by discovery), its issuer, audience, expiry and not-before time, and the scopes you name.
The token comes from the argument, or from stdin with '-' or no argument.

  valid:   exit 0 and one line on stdout: client, scopes, expiry
  invalid: exit 1 and the reason on stderr, e.g. "invalid token: token_expired: token expired"

Options:
  --issuer URL           the issuer the token must come from (exact match with its iss claim)
  --audience AUDIENCE    an audience the token's aud must hold; repeat to accept any of several
  --scope SCOPE          a scope the token must carry; repeat it, or separate scopes with spaces
  --allow-insecure       allow an http: issuer on a host that is not loopback (never in production)
  -h, --help             show this help

Exit codes: 0 valid, 1 invalid (or the issuer's keys could not be had), 2 bad command line.
`;

function summary(principal: Principal, now: number): string {
  const scopes = principal.scopes.size > 0 ? [...principal.scopes].join(' ') : '(none)';
  const expires =
    principal.expiresAt === undefined
      ? 'no expiry'
      : `${expiry(principal.expiresAt.getTime(), now)} (${principal.expiresAt.toISOString()})`;
  const client = principal.clientId ?? principal.subject ?? '(unknown)';
  return `valid: client ${client}, scopes ${scopes}, ${expires}`;
}

/** `m2m-auth verify`: checks a JWT as an API would; exit code 0 or 1 and the reason. */
export const verifyCommand = defineCommand({
  name: 'verify',
  summary: "verify a JWT against an issuer's keys, audience and scopes (exit 0 valid, 1 invalid)",
  help: HELP,
  options: OPTIONS,
  takesToken: true,
  async run({ values, positionals }, context) {
    const insecure = values['allow-insecure'] === true;
    const issuer = checkUrl(required(values.issuer, '--issuer'), '--issuer', insecure);
    const audience = words(values.audience);
    if (audience.length === 0) throw new UsageError('--audience is required');
    const scopes = words(values.scope);
    const token = await readToken(positionals[0], context.io);
    context.redact(token);

    let verifier;
    try {
      verifier = createVerifier({
        issuer,
        audience,
        allowInsecureRequests: insecure,
        cacheSize: 0,
        now: () => context.now(),
      });
    } catch (error) {
      if (error instanceof ConfigurationError) throw new UsageError(error.message);
      throw error;
    }
    try {
      const principal = await verifier.verify(token);
      if (scopes.length > 0) checkScopes(principal, scopes);
      context.io.stdout(`${summary(principal, context.now())}\n`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof AuthError) {
        const what = error.code === 'temporarily_unavailable' ? 'could not verify' : 'invalid token';
        throw new CliError(`${what}: ${error.reason}: ${context.scrub(error.description)}`, EXIT_FAILURE);
      }
      throw error;
    }
  },
});
