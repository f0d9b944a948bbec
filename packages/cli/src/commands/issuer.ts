import { startTestIssuer, type TestClient, type TestClientConfig, type TestIssuer } from '@m2m-auth/testing';
import { parse, words } from '../lib/args.js';
import type { Command } from '../lib/command.js';
import { CliError, EXIT_OK, UsageError } from '../lib/errors.js';

const OPTIONS = {
  port: { type: 'string' },
  realm: { type: 'string', multiple: true },
  client: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  'token-lifetime': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: m2m-auth issuer [--port N] [--realm REALM]… [--client ID[:SECRET[:SCOPES]]]… [options]

Runs the embedded OAuth 2.0 / OpenID Connect issuer of @m2m-auth/testing in the foreground, on
127.0.0.1, for local development: discovery, JWKS, a client-credentials token endpoint
(client_secret_post, client_secret_basic), introspection, revocation and a client-management API.
It prints its URLs and clients, and stops on Ctrl+C (SIGINT) or SIGTERM.

This is a development tool, not an identity provider: keys live in memory and are new at every start.
The secrets it generates (for clients given without one, and the admin token) are printed so that
you can use them; secrets you give it are not printed.

Options:
  --port N                  port to listen on (default 0: a free port, printed)
  --realm REALM             a Keycloak-style realm (/auth/realms/REALM, its own issuer); repeatable;
                            clients go to the first realm unless written REALM/ID:…
  --client ID[:SECRET[:SCOPES]]
                            a client: SECRET empty or left out = generated (no ':' in it);
                            SCOPES comma-separated, 'project-*' allows every 'project-…'
                            scope; repeatable
                            (default: one client 'dev-client' with a generated secret)
  --audience AUDIENCE       aud of the tokens (default 'api'); repeatable
  --token-lifetime SECONDS  lifetime of access tokens (default 300)
  -h, --help                show this help

Example:
  m2m-auth issuer --port 8080 --realm acme --client 'MPS-test::project-*'

Exit codes: 0 stopped by SIGINT or SIGTERM, 1 could not start (port in use), 2 bad command line.
`;

interface ClientSpec {
  config: TestClientConfig;
  /** Whether the secret was given on the command line (and so is not printed). */
  givenSecret: boolean;
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** `[REALM/]ID[:SECRET[:SCOPES]]`; scopes may hold colons (`tables:read`), the id and secret may not. */
function parseClient(spec: string, realms: readonly string[], lifetime: number | undefined): ClientSpec {
  let rest = spec;
  let realm: string | undefined;
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  if (slash > 0 && (colon === -1 || slash < colon) && realms.includes(rest.slice(0, slash))) {
    realm = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  const [clientId = '', secret = '', ...scopeParts] = rest.split(':');
  const scopes = scopeParts
    .join(':')
    .split(',')
    .filter((s) => s !== '');
  if (clientId === '') throw new UsageError('--client needs an id: --client ID[:SECRET[:SCOPES]]');
  const config: TestClientConfig = { clientId, scopes };
  if (secret !== '') config.clientSecret = secret;
  if (realm !== undefined) config.realm = realm;
  if (lifetime !== undefined) config.tokenLifetime = lifetime;
  return { config, givenSecret: secret !== '' };
}

function describeStartFailure(error: unknown, port: number, scrub: (text: string) => string): CliError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return new CliError(`port ${port} is in use; pick another with --port (0 for a free one)`);
  }
  if (code === 'EACCES') return new CliError(`not allowed to listen on port ${port}`);
  if (error instanceof TypeError) {
    // The issuer names the option it refused; the option is ours to name.
    return new UsageError(
      scrub(error.message)
        .replace(/^startTestIssuer: /, '')
        .replace(/options\.realms(\[\d+\])?/, '--realm')
        .replace(/options\.clients\[(\d+)\]/, (_, i: string) => `--client #${Number(i) + 1}`)
        .replace(/options\.audience/, '--audience'),
    );
  }
  return new CliError(error instanceof Error ? scrub(error.message) : 'the issuer could not start');
}

function describe(issuer: TestIssuer, clients: readonly ClientSpec[]): string {
  const lines: string[] = ['m2m-auth test issuer: for development only, not an identity provider', ''];
  const realms: (string | undefined)[] = issuer.realms.length > 0 ? [...issuer.realms] : [undefined];
  for (const name of realms) {
    const urls = name === undefined ? issuer : issuer.realm(name);
    if (name !== undefined) lines.push(`Realm ${name}`);
    lines.push(
      `  Issuer:          ${urls.issuer}`,
      `  Discovery:       ${urls.discoveryUrl}`,
      `  Token endpoint:  ${urls.tokenEndpoint}`,
      `  JWKS:            ${urls.jwksUri}`,
      `  Introspection:   ${urls.introspectionEndpoint}`,
      `  Admin API:       ${urls.adminEndpoint}`,
      '',
    );
  }
  lines.push(`Admin token (generated): ${issuer.adminToken}`, '');
  lines.push('Clients (generated secrets are shown because this is a development issuer):');
  for (const { config, givenSecret } of clients) {
    const client: TestClient | undefined = (
      config.realm === undefined ? issuer.clients : issuer.realm(config.realm).clients
    ).get(config.clientId ?? '');
    if (client === undefined) continue;
    const secret = givenSecret ? '(as given)' : `${client.clientSecret ?? '(none)'} (generated)`;
    const scopes = client.scopes.length > 0 ? client.scopes.join(' ') : '(none)';
    const realm = client.realm === undefined || issuer.realms.length < 2 ? '' : `  realm: ${client.realm}`;
    lines.push(`  ${client.clientId}  secret: ${secret}  scopes: ${scopes}${realm}`);
  }
  const first = clients[0]?.config;
  if (first?.clientId !== undefined) {
    const iss = first.realm === undefined ? issuer.issuer : issuer.realm(first.realm).issuer;
    lines.push(
      '',
      'Get a token:',
      `  export CLIENT_SECRET=…   # the secret of ${first.clientId}`,
      `  m2m-auth token --issuer ${iss} --client-id ${first.clientId} --client-secret-env CLIENT_SECRET`,
    );
  }
  lines.push('', 'Press Ctrl+C to stop.');
  return `${lines.join('\n')}\n`;
}

/** `m2m-auth issuer`: the embedded test issuer in the foreground until SIGINT or SIGTERM. */
export const issuerCommand: Command = {
  name: 'issuer',
  summary: 'run the embedded test issuer in the foreground, for local development',
  help: HELP,
  async run(args, context) {
    const { values } = parse(args, OPTIONS, false);
    if (values.help) {
      context.io.stdout(HELP);
      return EXIT_OK;
    }
    const port = values.port === undefined ? 0 : integer(values.port, '--port', 0, 65535);
    const lifetime =
      values['token-lifetime'] === undefined
        ? undefined
        : integer(values['token-lifetime'], '--token-lifetime', 1, 86_400 * 365);
    const realms = values.realm ?? [];
    const audience = words(values.audience);
    const clients = (values.client ?? ['dev-client']).map((spec) => parseClient(spec, realms, lifetime));
    for (const { config, givenSecret } of clients) {
      if (givenSecret && config.clientSecret !== undefined) context.redact(config.clientSecret);
    }

    let issuer: TestIssuer;
    try {
      issuer = await startTestIssuer({
        port,
        clients: clients.map((c) => c.config),
        ...(realms.length > 0 ? { realms } : {}),
        ...(audience.length > 0 ? { audience } : {}),
      });
    } catch (error) {
      throw describeStartFailure(error, port, context.scrub);
    }
    try {
      context.io.stdout(describe(issuer, clients));
      const { signal } = context.io;
      if (!signal.aborted) {
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
    } finally {
      await issuer.close();
    }
    context.io.stderr('m2m-auth issuer: stopped\n');
    return EXIT_OK;
  },
};
