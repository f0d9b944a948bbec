import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { RunningProvider } from '../../../../test/support/oidc-provider.js';

export type PlatformName = 'express' | 'fastify';

/** The two HTTP platforms every end-to-end case runs on. */
export const platforms: readonly (readonly [PlatformName, () => AbstractHttpAdapter])[] = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
];

export interface RunningApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Builds a Nest app with `@nestjs/testing` on a platform and listens on 127.0.0.1, on a free port. */
export async function startApp(platform: PlatformName, metadata: ModuleMetadata): Promise<RunningApp> {
  const adapter = platforms.find(([name]) => name === platform)![1]();
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(adapter, { logger: false });
  const type = app.getHttpAdapter().getType();
  if (type !== platform) throw new Error(`expected the ${platform} platform, got ${type}`);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** Asks the oidc-provider for a client-credentials JWT for `resource` (RFC 8707). */
export async function tokenFor(
  op: RunningProvider,
  clientId: string,
  scope: string,
  resource: string,
): Promise<string> {
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: `${clientId}-secret`,
      scope,
      resource,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token for ${clientId}: ${JSON.stringify(body)}`);
  return body.access_token;
}
