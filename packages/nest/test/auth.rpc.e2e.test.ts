/**
 * Guards and `@Principal()` on microservice handlers, on real servers on 127.0.0.1: TCP (the token in
 * the packet metadata a client sets with `setOnDispatchHook`) and gRPC (the token in the call's
 * metadata). Failures are `RpcException`s: an error object over TCP, a gRPC status over gRPC.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Controller, UseGuards, type INestApplication } from '@nestjs/common';
import {
  ClientProxyFactory,
  GrpcMethod,
  MessagePattern,
  Payload,
  Transport,
  type ClientProxy,
} from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { M2mAuthGuard, M2mAuthModule, Principal, Scopes } from '@m2m-auth/nest';
import type { AddressInfo, Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, freePort, useProvider } from './support/transports.js';

const shared = useProvider();
const PROTO = fileURLToPath(new URL('./fixtures/tables.proto', import.meta.url));

@Controller()
@UseGuards(M2mAuthGuard)
class TablesHandlers {
  @MessagePattern({ cmd: 'tables' }, Transport.TCP)
  @Scopes('project-{projectId}')
  tcp(@Payload() data: { projectId: string }, @Principal('clientId') caller: string) {
    return { project: data.projectId, caller };
  }

  @GrpcMethod('Tables', 'List')
  @Scopes('project-{projectId}')
  list(data: { projectId: string }) {
    return { project: data.projectId, caller: 'grpc' };
  }
}

let app: INestApplication;
let tcpPort: number;
let grpcPort: number;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [M2mAuthModule.forRoot({ issuer: shared.op.issuer, audience: AUDIENCE })],
    controllers: [TablesHandlers],
  }).compile();
  app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  const tcp = app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } });
  grpcPort = await freePort();
  app.connectMicroservice({
    transport: Transport.GRPC,
    options: { package: 'tables', protoPath: PROTO, url: `127.0.0.1:${grpcPort}` },
  });
  await app.startAllMicroservices();
  await app.init();
  tcpPort = (tcp.unwrap<Server>().address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
});

describe('TCP transport', () => {
  const clientWith = (metadata: Record<string, string>): ClientProxy => {
    const client = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port: tcpPort },
    });
    client.setOnDispatchHook((packet) => {
      packet.metadata = metadata;
    });
    return client;
  };
  const call = async (metadata: Record<string, string>, projectId: string) => {
    const client = clientWith(metadata);
    try {
      return await firstValueFrom(client.send({ cmd: 'tables' }, { projectId })).then(
        (answer: unknown) => ({ answer }),
        (error: unknown) => ({ error }),
      );
    } finally {
      await client.close();
    }
  };

  it('a valid token in the packet metadata: answered, @Principal() is the caller', async () => {
    expect(await call({ authorization: `Bearer ${shared.token}` }, '45c0')).toEqual({
      answer: { project: '45c0', caller: 'MPS-test' },
    });
  });

  it('a missing token: an RpcException with status 401', async () => {
    expect(await call({}, '45c0')).toEqual({
      error: { status: 401, error: 'unauthorized', error_description: 'no bearer token' },
    });
  });

  it('a wrong scope: an RpcException with status 403', async () => {
    expect(await call({ authorization: `Bearer ${shared.token}` }, '77aa')).toEqual({
      error: { status: 403, error: 'insufficient_scope', error_description: 'missing scope project-77aa' },
    });
  });
});

describe('gRPC transport', () => {
  interface TablesClient extends grpc.Client {
    List(
      request: { projectId: string },
      metadata: grpc.Metadata,
      callback: (error: grpc.ServiceError | null, reply?: { project: string; caller: string }) => void,
    ): void;
  }
  let client: TablesClient;

  beforeAll(() => {
    const definition = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO)) as unknown as {
      tables: { Tables: new (address: string, credentials: grpc.ChannelCredentials) => TablesClient };
    };
    client = new definition.tables.Tables(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
  });

  const list = (projectId: string, token?: string) => {
    const metadata = new grpc.Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<{ reply?: unknown; error?: grpc.ServiceError }>((resolve) =>
      client.List({ projectId }, metadata, (error, reply) => resolve(error ? { error } : { reply })),
    );
  };

  it('a valid token in the metadata: answered', async () => {
    expect(await list('45c0', shared.token)).toEqual({ reply: { project: '45c0', caller: 'grpc' } });
  });

  it('a missing token: UNAUTHENTICATED', async () => {
    const { error } = await list('45c0');
    expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error?.details).toBe('no bearer token');
  });

  it('a wrong scope: PERMISSION_DENIED', async () => {
    const { error } = await list('77aa', shared.token);
    expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(error?.details).toBe('missing scope project-77aa');
  });

  it('a bad token: UNAUTHENTICATED', async () => {
    expect((await list('45c0', 'a.b.c')).error?.code).toBe(grpc.status.UNAUTHENTICATED);
  });
});
