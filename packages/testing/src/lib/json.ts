/**
 * A JSON value, as the issuer sends and receives it.
 *
 * @example
 * ```ts
 * issuer.failNext(1, { body: { error: 'slow_down' } satisfies JsonValue });
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON object.
 *
 * @example
 * ```ts
 * issuer.clients.add({ claims: { tenant: 'acme' } satisfies JsonObject });
 * ```
 */
export type JsonObject = { [key: string]: JsonValue };

/** Whether `value` is a plain (non-array, non-null) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
