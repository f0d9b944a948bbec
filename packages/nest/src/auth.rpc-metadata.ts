/**
 * Where a microservice call carries its `Authorization` value, per Nest transport. Read by shape from
 * the call's context (the second handler argument), so that `@nestjs/microservices` stays an optional
 * peer: nothing here imports it.
 */

type Value = string | readonly string[] | undefined;

interface GrpcMetadataLike {
  get(key: string): readonly unknown[];
  getMap(): unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const hasFunction = <K extends string>(value: unknown, name: K): value is Record<K, () => unknown> =>
  isObject(value) && typeof value[name] === 'function';

/** One value, several (sent more than once: refused as `multiple_tokens`), or none. */
function normalized(values: readonly unknown[]): Value {
  const strings = values.map((v) => (typeof v === 'string' ? v : String(v)));
  return strings.length === 0 ? undefined : strings.length === 1 ? strings[0] : strings;
}

/** A header record's `authorization`, whatever the case of its name; Buffers (Kafka) as text. */
function fromRecord(headers: unknown): Value {
  if (!isObject(headers)) return undefined;
  const found = Object.keys(headers)
    .filter((name) => name.toLowerCase() === 'authorization')
    .flatMap((name) => {
      const value = headers[name];
      return Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
    });
  return normalized(found);
}

/**
 * Whether the call context is gRPC metadata (`@grpc/grpc-js`'s `Metadata`), whose failures are
 * answered with gRPC status codes.
 *
 * @example
 * ```ts
 * isGrpcMetadata(context.switchToRpc().getContext());
 * ```
 */
export function isGrpcMetadata(value: unknown): value is GrpcMetadataLike {
  return hasFunction(value, 'get') && hasFunction(value, 'getMap');
}

/**
 * The `Authorization` value(s) of a microservice call, from its context:
 * - gRPC: the call's metadata (`authorization: Bearer …`);
 * - TCP and Redis (Nest 12): the packet metadata a client sets with `ClientProxy#setOnDispatchHook`;
 * - NATS: the message headers; RabbitMQ: the message's `properties.headers`; Kafka: the message
 *   headers; MQTT 5: the packet's `properties.userProperties`.
 *
 * @returns the value, every value when the call carries several, or `undefined`.
 * @example
 * ```ts
 * rpcAuthorization(context.switchToRpc().getContext()); // 'Bearer eyJ…'
 * ```
 */
export function rpcAuthorization(rpcContext: unknown): Value {
  if (isGrpcMetadata(rpcContext)) return normalized(rpcContext.get('authorization'));
  if (hasFunction(rpcContext, 'getMetadata')) return fromRecord(rpcContext.getMetadata());
  if (hasFunction(rpcContext, 'getHeaders')) {
    const headers = rpcContext.getHeaders();
    // NATS headers (`MsgHdrs`) answer `get(name)`, '' when absent.
    if (hasFunction(headers, 'get'))
      return (headers.get as (k: string) => string)('authorization') || undefined;
    return fromRecord(headers);
  }
  if (hasFunction(rpcContext, 'getMessage')) {
    const message = rpcContext.getMessage();
    if (!isObject(message)) return undefined;
    const properties = message.properties;
    return fromRecord(isObject(properties) ? properties.headers : message.headers);
  }
  if (hasFunction(rpcContext, 'getPacket')) {
    const packet = rpcContext.getPacket();
    const properties = isObject(packet) ? packet.properties : undefined;
    return fromRecord(isObject(properties) ? properties.userProperties : undefined);
  }
  return undefined;
}
