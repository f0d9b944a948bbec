/**
 * Guards and `@Principal()` on a WebSocket gateway (socket.io), on a real server on 127.0.0.1: the
 * token comes with the handshake, is verified once per connection and again once it has expired;
 * failures are `WsException`s (the client's `exception` event), not HTTP exceptions.
 */
import { UseGuards, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { createVerifier, type Verifier } from '@m2m-auth/core';
import { M2mAuthGuard, M2mAuthModule, Principal, Scopes } from '@m2m-auth/nest';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, useProvider } from './support/transports.js';

const shared = useProvider();

@WebSocketGateway()
@UseGuards(M2mAuthGuard)
class TablesGateway {
  @SubscribeMessage('tables')
  @Scopes('project-{projectId}')
  tables(@MessageBody() data: { projectId: string }, @Principal('clientId') caller: string) {
    return { project: data.projectId, caller };
  }
}

let app: INestApplication;
let url: string;
let verified = 0;

/** The gateway's app with the module's `options`, listening on 127.0.0.1. */
async function startGateway(options: Parameters<typeof M2mAuthModule.forRoot>[0]) {
  const moduleRef = await Test.createTestingModule({
    imports: [M2mAuthModule.forRoot(options)],
    providers: [TablesGateway],
  }).compile();
  const started = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  await started.listen(0, '127.0.0.1');
  const at = (await started.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { app: started, url: at };
}

beforeAll(async () => {
  const real: Verifier = createVerifier({ issuer: shared.op.issuer, audience: AUDIENCE });
  const verifier: Verifier = { ...real, verify: (token) => (verified++, real.verify(token)) };
  ({ app, url } = await startGateway({ verifier }));
});

afterAll(async () => {
  await app?.close();
});

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

async function connect(token?: string, at = url): Promise<Socket> {
  const socket = io(at, {
    transports: ['websocket'],
    extraHeaders: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Sends a message; resolves to the gateway's answer (the ack) or the `exception` event. */
function ask(socket: Socket, data: unknown): Promise<{ ack?: unknown; exception?: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const onException = (exception: Record<string, unknown>) => resolve({ exception });
    socket.once('exception', onException);
    socket.emit('tables', data, (ack: unknown) => {
      socket.off('exception', onException);
      resolve({ ack });
    });
  });
}

describe('WebSocket gateways', () => {
  it('a valid token: the message is answered, @Principal() is the connection’s caller', async () => {
    const socket = await connect(shared.token);
    expect(await ask(socket, { projectId: '45c0' })).toEqual({
      ack: { project: '45c0', caller: 'MPS-test' },
    });
  });

  it('a missing token: a WsException with status 401, no HTTP answer', async () => {
    const socket = await connect();
    expect(await ask(socket, { projectId: '45c0' })).toEqual({
      exception: { status: 401, error: 'unauthorized', error_description: 'no bearer token' },
    });
  });

  it('a wrong scope: a WsException with status 403 naming the scope', async () => {
    const socket = await connect(shared.token);
    expect(await ask(socket, { projectId: '77aa' })).toEqual({
      exception: {
        status: 403,
        error: 'insufficient_scope',
        error_description: 'missing scope project-77aa',
      },
    });
  });

  it('verifies the token once per connection', async () => {
    const socket = await connect(shared.token);
    verified = 0;
    expect((await ask(socket, { projectId: '45c0' })).ack).toBeDefined();
    expect((await ask(socket, { projectId: '45c0' })).ack).toBeDefined();
    expect(verified).toBe(1);
    // Another connection with the same token is verified on its own (a cache hit in the verifier).
    expect((await ask(await connect(shared.token), { projectId: '45c0' })).ack).toBeDefined();
    expect(verified).toBe(2);
  });

  it('verifies it again once it has expired, on the verifier’s clock: the next message is refused', async () => {
    let skew = 0;
    const gateway = await startGateway({
      issuer: shared.op.issuer,
      audience: AUDIENCE,
      now: () => Date.now() + skew,
    });
    try {
      const socket = await connect(shared.token, gateway.url);
      expect((await ask(socket, { projectId: '45c0' })).ack).toBeDefined();
      skew += 3_600_000; // an hour later: the 5-minute token has expired
      expect(await ask(socket, { projectId: '45c0' })).toEqual({
        exception: { status: 401, error: 'invalid_token', error_description: 'token expired' },
      });
    } finally {
      await gateway.app.close();
    }
  });
});
