import { Metadata } from '@grpc/grpc-js';
import {
  KafkaContext,
  MqttContext,
  NatsContext,
  RedisContext,
  RmqContext,
  TcpContext,
} from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { isGrpcMetadata, rpcAuthorization } from '../src/auth.rpc-metadata.js';

const BEARER = 'Bearer abc.def.ghi';

describe('rpcAuthorization, against the real context classes of each transport', () => {
  it('gRPC: the authorization metadata; twice is two values', () => {
    const metadata = new Metadata();
    expect(rpcAuthorization(metadata)).toBeUndefined();
    metadata.set('authorization', BEARER);
    expect(rpcAuthorization(metadata)).toBe(BEARER);
    metadata.add('authorization', BEARER);
    expect(rpcAuthorization(metadata)).toEqual([BEARER, BEARER]);
  });

  it('TCP and Redis: the packet metadata, whatever the case of the name', () => {
    expect(rpcAuthorization(new TcpContext([{} as never, 'tables', { Authorization: BEARER }]))).toBe(BEARER);
    expect(rpcAuthorization(new TcpContext([{} as never, 'tables']))).toBeUndefined();
    expect(rpcAuthorization(new RedisContext(['tables', { authorization: BEARER }]))).toBe(BEARER);
  });

  it('NATS: headers answering get(), and plain header records', () => {
    const headers = { get: (name: string) => (name === 'authorization' ? BEARER : '') };
    expect(rpcAuthorization(new NatsContext(['tables', headers]))).toBe(BEARER);
    expect(rpcAuthorization(new NatsContext(['tables', { get: () => '' }]))).toBeUndefined();
    expect(rpcAuthorization(new NatsContext(['tables', { authorization: BEARER }]))).toBe(BEARER);
  });

  it('RabbitMQ: the message properties’ headers', () => {
    const message = { properties: { headers: { authorization: BEARER } } };
    expect(rpcAuthorization(new RmqContext([message, {}, 'tables']))).toBe(BEARER);
  });

  it('Kafka: the message headers, Buffers as text', () => {
    const message = { headers: { authorization: Buffer.from(BEARER) } };
    const context = new KafkaContext([
      message as never,
      0,
      'tables',
      {} as never,
      async () => {},
      {} as never,
    ]);
    expect(rpcAuthorization(context)).toBe(BEARER);
  });

  it('MQTT 5: the user properties of the packet', () => {
    const packet = { properties: { userProperties: { authorization: BEARER } } };
    expect(rpcAuthorization(new MqttContext(['tables', packet]))).toBe(BEARER);
    expect(rpcAuthorization(new MqttContext(['tables', {}]))).toBeUndefined();
  });

  it('anything else carries no token', () => {
    expect(rpcAuthorization(undefined)).toBeUndefined();
    expect(rpcAuthorization({ authorization: BEARER })).toBeUndefined();
  });

  it('isGrpcMetadata tells gRPC metadata from the other contexts', () => {
    expect(isGrpcMetadata(new Metadata())).toBe(true);
    expect(isGrpcMetadata(new TcpContext([{} as never, 'x']))).toBe(false);
  });
});
