/**
 * What the Express tests share: a real oidc-provider with an `admin` and a `reader` client, their
 * tokens, the two Express majors every case runs on, and an app error handler that records what it got.
 */
import {
  ConfigurationError,
  createVerifier,
  keycloak,
  type RejectionEvent,
  type Verifier,
} from '@m2m-auth/core';
import { AuthError } from '@m2m-auth/express';
import express5, { type ErrorRequestHandler } from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RequestListener } from 'node:http';
import { listen, type Listening } from '../../../../test/support/listen.js';
import { startOidcProvider, type RunningProvider } from '../../../../test/support/oidc-provider.js';

export const AUDIENCE = 'https://api.example';

/** Express 5 and Express 4: every case runs on both. */
export const versions = [
  { name: 'Express 5', express: express5 },
  { name: 'Express 4', express: express4 },
] as const;

export interface SharedProvider {
  /** The running provider (set in `beforeAll`). */
  op: RunningProvider;
  /** `admin` (scopes project-1 read, role AdministerClients, org acme) and `reader` (read, org globex). */
  tokens: Record<string, string>;
}

/** Asks the provider for a client-credentials token for {@link AUDIENCE}. */
export async function token(
  op: RunningProvider,
  clientId: string,
  secret: string,
  scope: string,
): Promise<string> {
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: AUDIENCE }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Starts the provider before the file's tests and stops it after them. */
export function useProvider(): SharedProvider {
  const shared = { tokens: {} } as SharedProvider;
  beforeAll(async () => {
    shared.op = await startOidcProvider({
      clients: [
        {
          clientId: 'admin',
          clientSecret: 'admin-secret',
          scopes: ['project-1', 'project-2', 'read'],
          claims: { resource_access: { api: { roles: ['AdministerClients'] } }, org: 'acme' },
        },
        { clientId: 'reader', clientSecret: 'reader-secret', scopes: ['read'], claims: { org: 'globex' } },
      ],
      resources: { [AUDIENCE]: { scopes: ['project-1', 'project-2', 'read'] } },
    });
    shared.tokens.admin = await token(shared.op, 'admin', 'admin-secret', 'project-1 read');
    shared.tokens.reader = await token(shared.op, 'reader', 'reader-secret', 'read');
  });
  afterAll(async () => {
    await shared.op?.close();
  });
  return shared;
}

/** The verifier of the provider's tokens, client roles of `api` as permissions. */
export function verifierFor(op: RunningProvider, onRejection?: (event: RejectionEvent) => void): Verifier {
  return createVerifier({
    issuer: op.issuer,
    audience: AUDIENCE,
    claims: keycloak({ clientId: 'api' }),
    ...(onRejection ? { onRejection } : {}),
  });
}

/** The app a file's cases call, served on 127.0.0.1 for the duration of the enclosing block. */
export interface Api {
  /** Where it listens (set in `beforeAll`). */
  readonly url: string;
  /** A `GET` of `path` with `headers`. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** Builds the app with `build` before the block's tests and stops it after them. */
export function useApi(build: () => RequestListener): Api {
  let listening: Listening | undefined;
  beforeAll(async () => {
    listening = await listen(build());
  });
  afterAll(async () => {
    await listening?.close();
  });
  const url = (): string => {
    if (!listening) throw new Error('the app is not listening yet');
    return listening.url;
  };
  return {
    get url() {
      return url();
    },
    get: (path, headers = {}) => fetch(`${url()}${path}`, { headers }),
  };
}

export const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

/**
 * The app's own error handler: records each error in `handled` and answers `{ handledBy: 'app', … }`,
 * with the `headers` of an {@link AuthError}.
 */
export function recordingErrorHandler(handled: unknown[]): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    handled.push(err);
    if (err instanceof AuthError) {
      res.status(err.status).set(err.headers).json({ handledBy: 'app', reason: err.reason });
      return;
    }
    res.status(500).json({ handledBy: 'app', name: (err as Error).name });
  };
}

/** Expects `fn` to throw a ConfigurationError whose message matches `option`. */
export function expectConfigurationError(fn: () => unknown, option: string | RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigurationError);
  expect((error as Error).message).toMatch(option);
}
