import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, type INestApplication } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  AuthError,
  TokenSourceClosedError,
  authenticate,
  createVerifier,
  type Token,
  type TokenSource,
} from '@m2m-auth/core';
import {
  InjectHttpClient,
  InjectTokenSource,
  M2mHttpModule,
  getHttpClientToken,
  getTokenSourceToken,
  type M2mHttpClientOptions,
} from '@m2m-auth/nest/http';
import type { AxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';

const API_AUDIENCE = 'https://tables.example';

interface ApiRequest {
  host: string | undefined;
  path: string;
  authorization: string | undefined;
  clientId: string | undefined;
}

/**
 * A protected API on 127.0.0.1: verifies every token against the oidc-provider, counts requests, and
 * answers `401` to the next `unauthorized` requests whatever their token.
 */
interface ProtectedApi {
  url: string;
  requests: ApiRequest[];
  unauthorized: number;
  close(): Promise<void>;
}

async function serve(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function startProtectedApi(issuer: string): Promise<ProtectedApi> {
  const verifier = createVerifier({ issuer, audience: API_AUDIENCE });
  const api: ProtectedApi = { url: '', requests: [], unauthorized: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    const record: ApiRequest = {
      host: req.headers.host,
      path: req.url ?? '/',
      authorization: req.headers.authorization,
      clientId: undefined,
    };
    api.requests.push(record);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const to = new URL(req.url ?? '/', 'http://localhost').searchParams.get('to');
    if (to) {
      res.writeHead(302, { location: to });
      res.end();
      return;
    }
    if (api.unauthorized > 0) {
      api.unauthorized--;
      answer(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return;
    }
    authenticate(verifier, { headers: req.headers, method: req.method, url: req.url }).then(
      (principal) => {
        record.clientId = principal?.clientId;
        answer(200, {
          path: record.path,
          client: principal?.clientId,
          scope: [...(principal?.scopes ?? [])],
        });
      },
      (err: unknown) => {
        if (err instanceof AuthError)
          answer(err.status, err.toJSON(), { 'www-authenticate': err.wwwAuthenticate() });
        else answer(500, {});
      },
    );
  });
  api.url = await serve(server);
  api.close = () => stop(server);
  return api;
}

/** Another origin, not listed for any client: records what it is sent. */
async function startOther(): Promise<{
  url: string;
  authorization: (string | undefined)[];
  close(): Promise<void>;
}> {
  const authorization: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    authorization.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  return { url: await serve(server), authorization, close: () => stop(server) };
}

/** A token source the app passes in: the module must use it and must not close it. */
class UserSource implements TokenSource {
  closeCalls = 0;
  getToken(): Promise<Token> {
    return Promise.resolve({ value: 'user-token', type: 'Bearer', expiresAt: Infinity, scope: undefined });
  }
  invalidate(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    this.closeCalls++;
  }
}

@Injectable()
class TablesClient {
  constructor(
    @InjectHttpClient('tables') readonly tables: HttpService,
    @InjectHttpClient('reports') readonly reports: HttpService,
    @InjectHttpClient() readonly user: HttpService,
    @InjectTokenSource('tables') readonly tablesSource: TokenSource,
  ) {}

  async listTables(project: string): Promise<{ client: string; path: string }> {
    return (await firstValueFrom(this.tables.get(`/v1/projects/${project}/tables`))).data;
  }

  async report(): Promise<{ client: string }> {
    return (await firstValueFrom(this.reports.get('/v1/reports'))).data;
  }

  async elsewhere(url: string): Promise<unknown> {
    return (await firstValueFrom(this.tables.get(url))).data;
  }
}

let op: RunningProvider;
let api: ProtectedApi;
let other: Awaited<ReturnType<typeof startOther>>;

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      {
        clientId: 'tables-caller',
        clientSecret: 'tables-secret',
        authMethod: 'client_secret_post',
        scopes: ['project-45c0'],
      },
      {
        clientId: 'reports-caller',
        clientSecret: 'reports-secret',
        authMethod: 'client_secret_basic',
        scopes: ['reports'],
      },
    ],
    resources: { [API_AUDIENCE]: { scopes: ['project-45c0', 'reports'] } },
  });
  api = await startProtectedApi(op.issuer);
  other = await startOther();
});

afterAll(async () => {
  await api?.close();
  await other?.close();
  await op?.close();
});

const tokenRequests = () => op.counts['/token'] ?? 0;

describe('M2mHttpModule: a Nest service calling a protected API through HttpService', () => {
  let app: INestApplication;
  let client: TablesClient;
  let userSource: UserSource;
  let tokensBefore: number;

  beforeEach(async () => {
    userSource = new UserSource();
    const moduleRef = await Test.createTestingModule({
      imports: [
        M2mHttpModule.register({
          name: 'tables',
          token: {
            issuer: op.issuer,
            clientId: 'tables-caller',
            clientSecret: 'tables-secret',
            scope: 'project-45c0',
            resource: API_AUDIENCE,
          },
          baseURL: api.url,
          timeout: 5000,
        }),
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ REPORTS_URL: api.url, REPORTS_SECRET: 'reports-secret' })],
        }),
        M2mHttpModule.registerAsync({
          name: 'reports',
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            token: {
              issuer: op.issuer,
              clientId: 'reports-caller',
              clientSecret: config.getOrThrow<string>('REPORTS_SECRET'),
              clientAuth: 'client_secret_basic',
              scope: 'reports',
              resource: API_AUDIENCE,
            },
            baseURL: config.getOrThrow<string>('REPORTS_URL'),
          }),
        }),
        M2mHttpModule.register({ token: userSource, baseURL: api.url }),
      ],
      providers: [TablesClient],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    client = app.get(TablesClient);
    api.requests = [];
    api.unauthorized = 0;
    other.authorization.length = 0;
    tokensBefore = tokenRequests();
  });

  afterEach(async () => {
    await app?.close();
  });

  it('gets a token from the oidc-provider and calls the API with it', async () => {
    expect(client.tables).toBeInstanceOf(HttpService);
    const data = await client.listTables('45c0');
    expect(data).toMatchObject({ client: 'tables-caller', path: '/v1/projects/45c0/tables' });
    await client.listTables('45c0');
    expect(api.requests).toHaveLength(2);
    expect(tokenRequests() - tokensBefore).toBe(1); // cached
  });

  it('recovers from a forced 401 with exactly one retry', async () => {
    api.unauthorized = 1;
    const data = await client.listTables('45c0');
    expect(data.client).toBe('tables-caller');
    expect(api.requests).toHaveLength(2);
    expect(tokenRequests() - tokensBefore).toBe(2);
    const [first, second] = api.requests;
    expect(first!.authorization).toMatch(/^Bearer /);
    expect(second!.authorization).toMatch(/^Bearer /);
    expect(second!.authorization).not.toBe(first!.authorization);
  });

  it('never retries twice', async () => {
    api.unauthorized = 10;
    const err = (await client.listTables('45c0').catch((e: unknown) => e)) as AxiosError;
    expect(err.response?.status).toBe(401);
    expect(api.requests).toHaveLength(2);
    expect(tokenRequests() - tokensBefore).toBe(2);
  });

  it('sends no token to an unlisted origin', async () => {
    await client.elsewhere(`${other.url}/collect`);
    expect(other.authorization).toEqual([undefined]);
    expect(tokenRequests() - tokensBefore).toBe(0);
  });

  it('keeps named clients apart, each with its own token source', async () => {
    const tables = await client.listTables('45c0');
    const report = await client.report();
    expect(tables.client).toBe('tables-caller');
    expect(report.client).toBe('reports-caller');
    expect(api.requests[0]!.authorization).not.toBe(api.requests[1]!.authorization);
    expect(app.get(getTokenSourceToken('tables'))).not.toBe(app.get(getTokenSourceToken('reports')));
    expect(app.get(getHttpClientToken('tables'))).toBe(client.tables);
  });

  it('uses a TokenSource passed in as it is', async () => {
    // Not a token the API accepts: the 401 is not retried, since the source has no other value.
    const res = await firstValueFrom(client.user.get('/v1/whoami', { validateStatus: () => true }));
    expect(res.status).toBe(401);
    expect(api.requests.map((r) => r.authorization)).toEqual(['Bearer user-token']);
    expect(app.get(getTokenSourceToken())).toBe(userSource);
  });

  it('loses the token when the API redirects to another origin', async () => {
    // `api.test` and `evil.api.test` both resolve to the API's server: a subdomain on the same port, a
    // cross-origin hop on which follow-redirects alone keeps Authorization (recent axios strips it too;
    // the hook of @m2m-auth/axios does on every axios version).
    const port = new URL(api.url).port;
    const lookup = ((_host: string, _options: object, cb: (e: null, a: string, f: 4) => void) =>
      cb(null, '127.0.0.1', 4)) as unknown as M2mHttpClientOptions['lookup'];
    const moduleRef = await Test.createTestingModule({
      imports: [
        M2mHttpModule.register({
          name: 'moved',
          token: new UserSource(),
          baseURL: `http://api.test:${port}`,
          allowInsecureRequests: true,
          lookup,
        }),
      ],
    }).compile();
    const movedApp = await moduleRef.createNestApplication({ logger: false }).init();
    try {
      const http = movedApp.get<HttpService>(getHttpClientToken('moved'));
      const to = encodeURIComponent(`http://evil.api.test:${port}/v1/landed`);
      await firstValueFrom(http.get(`/v1/moved?to=${to}`, { validateStatus: () => true }));
      expect(api.requests.map((r) => [r.host?.split(':')[0], r.authorization])).toEqual([
        ['api.test', 'Bearer user-token'],
        ['evil.api.test', undefined],
      ]);
    } finally {
      await movedApp.close();
    }
  });

  it('closes the sources it created on app.close(), not the one passed in', async () => {
    const tables = app.get<TokenSource>(getTokenSourceToken('tables'));
    const reports = app.get<TokenSource>(getTokenSourceToken('reports'));
    expect(client.tablesSource).toBe(tables);
    await client.listTables('45c0');
    await app.close();
    await expect(tables.getToken()).rejects.toBeInstanceOf(TokenSourceClosedError);
    await expect(reports.getToken()).rejects.toBeInstanceOf(TokenSourceClosedError);
    expect(userSource.closeCalls).toBe(0);
  });
});
