import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { defineCommand } from '../lib/command.js';
import { CliError, EXIT_OK } from '../lib/errors.js';
import { readToken } from '../lib/read-token.js';
import { expiry, relative } from '../lib/time.js';

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: m2m-auth decode [TOKEN | -] [--json]

Prints a JWT's header and claims, and when it was issued and expires, in words. The token comes from
the argument, or from stdin with '-' or no argument (a leading "Bearer " is dropped).

decode does NOT verify the token: anyone can write a JWT that decodes. Use 'm2m-auth verify' to check
its signature, issuer, audience and expiry.

Options:
  --json       print {"header","claims","verified":false} instead
  -h, --help   show this help

Exit codes: 0 decoded, 1 not a readable JWT (opaque or encrypted token, garbage), 2 bad command line.
`;

interface Decoded {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
}

function decode(token: string): Decoded {
  const parts = token.split('.');
  if (parts.length === 5) {
    throw new CliError(
      "this is an encrypted JWT (JWE, five parts): it cannot be read without the recipient's private key",
    );
  }
  if (parts.length !== 3) {
    throw new CliError(
      'not a JWT (a JWT has three dot-separated parts): this looks like an opaque token, which only its issuer can read (token introspection, RFC 7662)',
    );
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new CliError('not a JWT: its header is not base64url-encoded JSON');
  }
  try {
    return { header, claims: decodeJwt(token) };
  } catch {
    throw new CliError('not a JWT: its payload is not a base64url-encoded JSON object');
  }
}

function instant(claims: JWTPayload, name: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value * 1000 : undefined;
}

function timeline(claims: JWTPayload, now: number): string[] {
  const lines: string[] = [];
  const iat = instant(claims, 'iat');
  const nbf = instant(claims, 'nbf');
  const exp = instant(claims, 'exp');
  const iso = (at: number): string => new Date(at).toISOString();
  if (iat !== undefined) lines.push(`Issued:     ${iso(iat)} (${relative(iat, now)})`);
  if (nbf !== undefined) {
    lines.push(`Not before: ${iso(nbf)} (${nbf > now ? `valid ${relative(nbf, now)}` : 'already valid'})`);
  }
  lines.push(
    exp === undefined
      ? 'Expires:    never (no exp claim; verifiers that require one will refuse it)'
      : `Expires:    ${iso(exp)} (${expiry(exp, now)})`,
  );
  return lines;
}

/** `m2m-auth decode`: a JWT's header and claims, never verified. */
export const decodeCommand = defineCommand({
  name: 'decode',
  summary: "print a JWT's header and claims, with its expiry in words (does not verify it)",
  help: HELP,
  options: OPTIONS,
  takesToken: true,
  async run({ values, positionals }, context) {
    const { header, claims } = decode(await readToken(positionals[0], context.io));
    if (values.json) {
      context.io.stdout(`${JSON.stringify({ header, claims, verified: false }, null, 2)}\n`);
      context.io.stderr('m2m-auth decode: not verified (use m2m-auth verify)\n');
      return EXIT_OK;
    }
    const out = [
      'JWT, decoded but NOT verified (use m2m-auth verify to check it)',
      '',
      'Header:',
      JSON.stringify(header, null, 2),
      '',
      'Claims:',
      JSON.stringify(claims, null, 2),
      '',
      ...timeline(claims, context.now()),
    ];
    context.io.stdout(`${out.join('\n')}\n`);
    return EXIT_OK;
  },
});
