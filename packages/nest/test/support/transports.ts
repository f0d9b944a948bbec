/**
 * What the GraphQL, WebSocket and microservice suites share: a real oidc-provider with a client
 * scoped to project 45c0, and its token.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { clientToken } from '../../../../test/support/client-token.js';
import { startOidcProvider, type RunningProvider } from '../../../../test/support/oidc-provider.js';

export const AUDIENCE = 'https://tables.example';

export interface Shared {
  op: RunningProvider;
  /** A token of `MPS-test` with the scope `project-45c0`. */
  token: string;
}

/** Starts the provider before the file's tests and stops it after them. */
export function useProvider(): Shared {
  const shared = {} as Shared;
  beforeAll(async () => {
    shared.op = await startOidcProvider({
      clients: [
        {
          clientId: 'MPS-test',
          clientSecret: 'MPS-test-secret',
          authMethod: 'client_secret_post',
          scopes: ['project-45c0'],
        },
      ],
      resources: { [AUDIENCE]: { scopes: ['project-45c0', 'project-77aa'] } },
    });
    shared.token = await clientToken(shared.op, 'MPS-test', 'project-45c0', AUDIENCE);
  });
  afterAll(async () => {
    await shared.op?.close();
  });
  return shared;
}

/**
 * A free port on 127.0.0.1, for servers that cannot report the port they bound (Nest's gRPC server):
 * asked of the system, then released for the server to take.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
