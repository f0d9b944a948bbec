import { randomBytes, randomUUID } from 'node:crypto';

/** A random URL-safe string carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random RFC 4122 version-4 UUID. */
export function randomId(): string {
  return randomUUID();
}
