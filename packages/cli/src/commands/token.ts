import {
  ClientCredentials,
  ConfigurationError,
  OutboundError,
  TokenRequestError,
  type ClientCredentialsOptions,
} from '@m2m-auth/core';
import { required, words } from '../lib/args.js';
import { captureResponses } from '../lib/capture-response.js';
import { defineCommand, type Context } from '../lib/command.js';
import { CliError, EXIT_OK, UsageError } from '../lib/errors.js';
import { checkUrl } from '../lib/urls.js';

const AUTH_METHODS = ['client_secret_post', 'client_secret_basic'] as const;
type AuthMethod = (typeof AUTH_METHODS)[number];

const OPTIONS = {
  issuer: { type: 'string' },
  'token-endpoint': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-env': { type: 'string' },
  scope: { type: 'string', multiple: true },
  resource: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  auth: { type: 'string' },
  json: { type: 'boolean' },
  'allow-insecure': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: m2m-auth token (--issuer URL | --token-endpoint URL) --client-id ID [options]

Gets an access token with the OAuth 2.0 client-credentials grant and prints it, alone on a line:

  export TOKEN="$(m2m-auth token --issuer https://id.example/auth/realms/acme \\
    --client-id MPS-test --client-secret-env CLIENT_SECRET --scope project-45c0)"

The client secret is read from the environment variable named by --client-secret-env, or else from
stdin (printf '%s' "$SECRET" | m2m-auth token …). It is never taken as an argument, where shell
history and process lists would keep it, and never printed.

Options:
  --issuer URL               the issuer; its token endpoint is found by discovery (OIDC, then RFC 8414)
  --token-endpoint URL       the token endpoint itself, instead of --issuer
  --client-id ID             the client id (required)
  --client-secret-env VAR    read the client secret from environment variable VAR (default: stdin)
  --scope SCOPE              scope to request; repeat it, or separate scopes with spaces
  --resource URI             resource indicator (RFC 8707); repeatable
  --audience AUDIENCE        audience parameter (Auth0 and others); repeatable
  --auth METHOD              client_secret_post (default) or client_secret_basic
  --json                     print the token endpoint's whole JSON response instead of the token
                             (access_token, expires_in, scope, refresh_token, id_token, …)
  --allow-insecure           allow http: on hosts other than loopback (never in production)
  -h, --help                 show this help

Exit codes: 0 a token was printed, 1 the request failed (e.g. invalid_client), 2 bad command line.
`;

async function readSecret(envName: string | undefined, context: Context): Promise<string> {
  if (envName !== undefined) {
    if (envName === '') throw new UsageError('--client-secret-env needs the name of an environment variable');
    const value = context.io.env[envName];
    if (value === undefined || value === '') {
      throw new CliError(`environment variable ${envName} (from --client-secret-env) is not set or empty`);
    }
    return value;
  }
  const piped = await context.io.readStdin(
    'm2m-auth token: waiting for the client secret on stdin (end it with Ctrl+D, or close the pipe; or use --client-secret-env VAR)',
  );
  if (piped === undefined) {
    throw new CliError(
      'no client secret: pipe it on stdin, or name an environment variable with --client-secret-env',
    );
  }
  const secret = piped.trim();
  if (secret === '') {
    throw new CliError('no client secret: stdin was empty (pipe the secret, or use --client-secret-env VAR)');
  }
  return secret;
}

function authMethod(value: string | undefined): AuthMethod | undefined {
  if (value === undefined) return undefined;
  if (!(AUTH_METHODS as readonly string[]).includes(value)) {
    throw new UsageError(`--auth must be ${AUTH_METHODS.join(' or ')}`);
  }
  return value as AuthMethod;
}

/** A failure as one line; what the server or a library wrote is scrubbed of the secret first. */
function describeFailure(error: unknown, scrub: (text: string) => string): CliError {
  if (error instanceof TokenRequestError) {
    if (error.error !== undefined) {
      const detail = error.errorDescription ? ` (${scrub(error.errorDescription)})` : '';
      const hint =
        error.error === 'invalid_client'
          ? '; check the client id, the secret and --auth'
          : error.error === 'invalid_scope'
            ? '; the client may not ask for that scope'
            : '';
      return new CliError(
        `the token endpoint refused the request: ${scrub(error.error)}${detail}, HTTP ${error.status}${hint}`,
      );
    }
    return new CliError(scrub(error.message));
  }
  if (error instanceof OutboundError) {
    const hint = error.code === 'discovery_failed' ? ' (check --issuer, or pass --token-endpoint)' : '';
    return new CliError(`${scrub(error.message)}${hint}`);
  }
  if (error instanceof ConfigurationError) return new UsageError(scrub(error.message));
  return new CliError(error instanceof Error ? scrub(error.message) : 'the token request failed');
}

/** The whole token response, pretty-printed; refused if the server put the client secret in it. */
function toJson(response: Record<string, unknown> | undefined, scrub: (text: string) => string): string {
  if (response === undefined) throw new CliError('the token response could not be read back for --json');
  const text = JSON.stringify(response, null, 2);
  if (scrub(text) !== text) {
    throw new CliError('the token response holds the client secret; it is not printed');
  }
  return `${text}\n`;
}

/** `m2m-auth token`: a client-credentials token, printed for `export TOKEN="$(…)"`. */
export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'get an access token with the client-credentials grant and print it',
  help: HELP,
  options: OPTIONS,
  async run({ values }, context) {
    const insecure = values['allow-insecure'] === true;
    if ((values.issuer === undefined) === (values['token-endpoint'] === undefined)) {
      throw new UsageError('pass either --issuer or --token-endpoint');
    }
    const clientId = required(values['client-id'], '--client-id');
    const clientAuth = authMethod(values.auth);
    const endpoint: Pick<ClientCredentialsOptions, 'issuer' | 'tokenEndpoint'> =
      values.issuer !== undefined
        ? { issuer: checkUrl(values.issuer, '--issuer', insecure) }
        : { tokenEndpoint: checkUrl(values['token-endpoint'] ?? '', '--token-endpoint', insecure) };
    const scope = words(values.scope);
    const resource = words(values.resource);
    const audience = words(values.audience);

    const secret = await readSecret(values['client-secret-env'], context);
    context.redact(secret);

    // Only --json needs the response read back: without it, no copy of the body is made.
    const capture = values.json === true ? captureResponses() : undefined;
    let source: ClientCredentials;
    try {
      source = new ClientCredentials({
        ...endpoint,
        clientId,
        clientSecret: secret,
        ...(clientAuth === undefined ? {} : { clientAuth }),
        ...(scope.length > 0 ? { scope } : {}),
        ...(resource.length > 0 ? { resource } : {}),
        ...(audience.length > 0 ? { audience } : {}),
        allowInsecureRequests: insecure,
        retry: { retries: 1, maxElapsed: 10_000 },
        ...(capture === undefined ? {} : { fetch: capture.fetch }),
      });
    } catch (error) {
      throw describeFailure(error, context.scrub);
    }
    try {
      const result = await source.getToken();
      context.io.stdout(
        capture === undefined ? `${result.value}\n` : toJson(await capture.last(), context.scrub),
      );
      return EXIT_OK;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw describeFailure(error, context.scrub);
    } finally {
      source.close();
    }
  },
});
