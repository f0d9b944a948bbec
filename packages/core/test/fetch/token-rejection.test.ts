import { describe, expect, it } from 'vitest';
import { rejectsToken } from '@m2m-auth/core';

describe('rejectsToken', () => {
  it.each([
    [401, null, true],
    [401, 'Bearer realm="api"', true],
    [401, 'Bearer realm="api", error="invalid_token", error_description="expired"', true],
    [403, 'Bearer error="invalid_token"', true],
    [400, 'Bearer error=invalid_token', true],
    [401, 'Bearer realm="api", error="insufficient_scope", scope="write"', false],
    [401, 'Bearer error=INSUFFICIENT_SCOPE', false],
    [403, 'Bearer error="insufficient_scope"', false],
    [403, null, false],
    [500, undefined, false],
    // A parameter that merely ends in "error" is not the error parameter.
    [403, 'Bearer realm="api", xerror="invalid_token"', false],
  ] as const)('status %i with %s -> %s', (status, challenge, expected) => {
    expect(rejectsToken(status, challenge)).toBe(expected);
  });
});
