import { describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../src/authorize/raw-authorization.js';

describe('authorizationHeader', () => {
  it('is undefined without an Authorization header', () => {
    expect(authorizationHeader([])).toBeUndefined();
    expect(authorizationHeader(['Host', 'api', 'Content-Type', 'text/plain'])).toBeUndefined();
  });

  it('reads one header, whatever the case of its name', () => {
    expect(authorizationHeader(['Host', 'api', 'AUTHORIZATION', 'Bearer a'])).toBe('Bearer a');
    expect(authorizationHeader(['authorization', 'Bearer b'])).toBe('Bearer b');
  });

  it('keeps every repeated header, in order, so that two credentials can be refused', () => {
    expect(authorizationHeader(['Authorization', 'Bearer a', 'X', 'y', 'authorization', 'Bearer b'])).toEqual(
      ['Bearer a', 'Bearer b'],
    );
  });

  it('reads names only, never a value that says authorization', () => {
    expect(authorizationHeader(['X-Note', 'authorization', 'Authorizations', 'x'])).toBeUndefined();
  });

  it('reads a name without a value (a cut-off array) as an empty header', () => {
    expect(authorizationHeader(['Authorization'])).toBe('');
  });
});
