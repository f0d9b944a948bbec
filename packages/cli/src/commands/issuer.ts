import { startTestIssuer, type TestClient, type TestClientConfig, type TestIssuer } from '@m2m-auth/testing';
import { words } from '../lib/args.js';
import { defineCommand } from '../lib/command.js';
import { CliError, EXIT_OK, UsageError } from '../lib/errors.js';

const OPTIONS = {
  port: { type: 'string' },
  realm: { type: 'string', multiple: true },
  client: { type: 'string', multiple: true },
  'client-secret-env': { type: 'string' },
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
  --client-secret-env VAR   the secret of every client given without one is read from
                            environment variable VAR instead of generated (keeps it out of
                            shell history and process lists; not printed)
  --audience AUDIENCE       aud of the tokens (default 'api'); repeatable
  --token-lifetime SECONDS  lifetime of access tokens (default 300)
  -h, --help                show this help

Examples:
  m2m-auth issuer --port 8080 --realm acme --client 'MPS-test::project-*'
  m2m-auth issuer --realm acme --client 'MPS-test::project-*' --client-secret-env CLIENT_SECRET

Exit codes: 0 stopped by SIGINT or SIGTERM, 1 could not start (port in use), 2 bad command line.
`;

interface ClientSpec {
  config: TestClientConfig;
  /** Whether the secret was given (on the command line or in the environment), and so is not printed. */
  givenSecret: boolean;
  /** The environment variable the secret came from. */
  secretFrom?: string;
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** `[REALM/]ID[:SECRET[:SCOPES]]`; scopes may hold colons (`tables:read`), the id and secret may not. */
function parseClient(
  spec: string,
  realms: readonly string[],
  lifetime: number | undefined,
  envSecret: { name: string; value: string } | undefined,
): ClientSpec {
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
  if (realm !== undefined) config.realm = realm;
  if (lifetime !== undefined) config.tokenLifetime = lifetime;
  if (secret !== '') {
    config.clientSecret = secret;
    return { config, givenSecret: true };
  }
  if (envSecret !== undefined) {
    config.clientSecret = envSecret.value;
    return { config, givenSecret: true, secretFrom: envSecret.name };
  }
  return { config, givenSecret: false };
}

/** The secret named by `--client-secret-env`, or `undefined` without the flag. */
function secretFromEnv(
  name: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { name: string; value: string } | undefined {
  if (name === undefined) return undefined;
  if (name === '') throw new UsageError('--client-secret-env needs the name of an environment variable');
  const value = env[name];
  if (value === undefined || value === '') {
    throw new CliError(`environment variable ${name} (from --client-secret-env) is not set or empty`);
  }
  return { name, value };
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
  for (const { config, givenSecret, secretFrom } of clients) {
    const client: TestClient | undefined = (
      config.realm === undefined ? issuer.clients : issuer.realm(config.realm).clients
    ).get(config.clientId ?? '');
    if (client === undefined) continue;
    const secret =
      secretFrom !== undefined
        ? `(from $${secretFrom})`
        : givenSecret
          ? '(as given)'
          : `${client.clientSecret ?? '(none)'} (generated)`;
    const scopes = client.scopes.length > 0 ? client.scopes.join(' ') : '(none)';
    const realm = client.realm === undefined || issuer.realms.length < 2 ? '' : `  realm: ${client.realm}`;
    lines.push(`  ${client.clientId}  secret: ${secret}  scopes: ${scopes}${realm}`);
  }
  const first = clients[0];
  if (first?.config.clientId !== undefined) {
    const { config } = first;
    const iss = config.realm === undefined ? issuer.issuer : issuer.realm(config.realm).issuer;
    const variable = first.secretFrom ?? 'CLIENT_SECRET';
    lines.push(
      '',
      'Get a token:',
      ...(first.secretFrom === undefined
        ? [`  export CLIENT_SECRET=…   # the secret of ${config.clientId}`]
        : []),
      `  m2m-auth token --issuer ${iss} --client-id ${config.clientId} --client-secret-env ${variable}`,
    );
  }
  lines.push('', 'Press Ctrl+C to stop.');
  return `${lines.join('\n')}\n`;
}

/** `m2m-auth issuer`: the embedded test issuer in the foreground until SIGINT or SIGTERM. */
export const issuerCommand = defineCommand({
  name: 'issuer',
  summary: 'run the embedded test issuer in the foreground, for local development',
  help: HELP,
  options: OPTIONS,
  async run({ values }, context) {
    const port = values.port === undefined ? 0 : integer(values.port, '--port', 0, 65535);
    const lifetime =
      values['token-lifetime'] === undefined
        ? undefined
        : integer(values['token-lifetime'], '--token-lifetime', 1, 86_400 * 365);
    const realms = values.realm ?? [];
    const audience = words(values.audience);
    const envSecret = secretFromEnv(values['client-secret-env'], context.io.env);
    const clients = (values.client ?? ['dev-client']).map((spec) =>
      parseClient(spec, realms, lifetime, envSecret),
    );
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
});
