/**
 * The end-to-end demo as a function, so the test suite runs exactly what `pnpm demo` runs.
 *
 * Steps: an embedded Keycloak-style issuer (realm `acme`), the Tables API protected by
 * `requireScope('project-<id>')` (Express), its admin API under `ClientPermission('AdministerClients')`
 * (Nest), and outbound clients that get their tokens with the client-credentials grant: one lists the
 * tables of its project, is refused another project and the admin API, survives its token's expiry
 * transparently, and shows what an expired token gets; an operator client with the
 * `AdministerClients` role is let into the admin API.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { ClientCredentials, authFetch } from '@m2m-auth/core';
import { startTestIssuer } from '@m2m-auth/testing';
import { createTablesApi } from '@m2m-auth/example-express-api/src/app.js';
import { AppModule as NestTablesApi } from '@m2m-auth/example-nest-api/src/app.module.js';

/** One line of the transcript. */
export interface Step {
  title: string;
  expected: string;
  actual: string;
  ok: boolean;
  detail?: string;
}

export interface DemoOptions {
  /** Lifetime (in seconds) of the demo client's tokens. Default is 3. */
  tokenLifetime?: number;
  /** Receives each step as it completes. */
  onStep?: (step: Step) => void;
}

const AUDIENCE = 'https://tables.example';
/** A fresh client secret for each run: nothing to leak from the source, nothing to reuse elsewhere. */
const generated = (): string => `${randomBytes(18).toString('base64url')}-not-for-production`;
const SECRETS = { 'MPS-test': generated(), ops: generated(), 'tables-service': generated() };

export async function runDemo(options: DemoOptions = {}): Promise<Step[]> {
  const lifetime = options.tokenLifetime ?? 3;
  const steps: Step[] = [];
  const record = (title: string, expected: string, actual: string, detail?: string): void => {
    const step: Step = { title, expected, actual, ok: expected === actual, ...(detail ? { detail } : {}) };
    steps.push(step);
    options.onStep?.(step);
  };

  const issuer = await startTestIssuer({
    realms: ['acme'],
    audience: AUDIENCE,
    clients: [
      {
        clientId: 'MPS-test',
        clientSecret: SECRETS['MPS-test'],
        scopes: ['project-45c0'],
        tokenLifetime: lifetime,
      },
      // An operator's client: Keycloak roles AdministerClients, for the admin API.
      { clientId: 'ops', clientSecret: SECRETS.ops, permissions: ['AdministerClients'] },
      // The Nest API's own client, for its outbound calls.
      { clientId: 'tables-service', clientSecret: SECRETS['tables-service'], scopes: ['project-*'] },
    ],
  });
  // 1 s of tolerated clock skew (the default is 5) keeps the demo short.
  const app = createTablesApi({ issuer: issuer.issuer, audience: AUDIENCE, clockTolerance: 1 });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The admin API: the Nest example, whose global guard checks the same issuer's tokens.
  const nest = await NestFactory.create(
    NestTablesApi.forRoot({
      ISSUER: issuer.issuer,
      AUDIENCE,
      INGESTION_URL: api,
      CLIENT_ID: 'tables-service',
      CLIENT_SECRET: SECRETS['tables-service'],
      CLIENT_SCOPE: 'project-45c0',
    }),
    { logger: false },
  );
  await nest.listen(0, '127.0.0.1');
  const admin = await nest.getUrl();

  const source = new ClientCredentials({
    issuer: issuer.issuer,
    clientId: 'MPS-test',
    clientSecret: async () => SECRETS['MPS-test'], // e.g. from a secrets manager
    scope: 'project-45c0',
    clientAuth: 'client_secret_post',
  });
  const apiFetch = authFetch(source, { origins: [api, admin] });
  const ops = new ClientCredentials({
    issuer: issuer.issuer,
    clientId: 'ops',
    clientSecret: SECRETS.ops,
    clientAuth: 'client_secret_basic',
  });
  const opsFetch = authFetch(ops, { origins: [admin] });

  try {
    const anonymous = await fetch(`${api}/v1/projects/45c0/tables`);
    record(
      'GET tables without a token',
      '401',
      String(anonymous.status),
      anonymous.headers.get('www-authenticate') ?? '',
    );

    const first = await source.getToken();
    const listed = await apiFetch(`${api}/v1/projects/45c0/tables`);
    record(
      'GET /v1/projects/45c0/tables with a project-45c0 token',
      '200',
      String(listed.status),
      JSON.stringify(await listed.json()),
    );

    const other = await apiFetch(`${api}/v1/projects/77aa/tables`);
    record(
      'GET /v1/projects/77aa/tables (no scope for that project)',
      '403',
      String(other.status),
      other.headers.get('www-authenticate') ?? '',
    );

    const refused = await apiFetch(`${admin}/v1/clients`);
    record(
      "GET /v1/clients (Nest, ClientPermission('AdministerClients')) as MPS-test",
      '403',
      String(refused.status),
      refused.headers.get('www-authenticate') ?? '',
    );

    const operator = await opsFetch(`${admin}/v1/clients`);
    record(
      'GET /v1/clients as ops, whose client holds the AdministerClients role',
      '200',
      String(operator.status),
      JSON.stringify(await operator.json()),
    );

    const before = issuer.count('token');
    await new Promise((resolve) => setTimeout(resolve, lifetime * 1000 + 1500));
    const after = await apiFetch(`${api}/v1/projects/45c0/tables`);
    const second = await source.getToken();
    const refreshed = second.value !== first.value && issuer.count('token') > before;
    record(
      `GET tables again after the ${lifetime}-second token lifetime`,
      '200 with a new token',
      `${after.status}${refreshed ? ' with a new token' : ' with the same token'}`,
      `token endpoint calls: ${issuer.count('token')}`,
    );

    const expired = await fetch(`${api}/v1/projects/45c0/tables`, {
      headers: { authorization: `Bearer ${first.value}` },
    });
    record(
      'GET tables with the first, now expired token',
      '401',
      String(expired.status),
      await expired.text(),
    );
  } finally {
    source.close();
    ops.close();
    await nest.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.close();
  }
  return steps;
}
