import { describe, expect, it } from 'vitest';
import { ConfigurationError, M2mAuthError } from '../../src/errors/m2m-auth-error.js';

describe('ConfigurationError', () => {
  it('has the invalid_configuration code and its own name', () => {
    const error = new ConfigurationError('issuer must be an absolute URL');
    expect(error).toBeInstanceOf(M2mAuthError);
    expect(error.code).toBe('invalid_configuration');
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toBe('issuer must be an absolute URL');
  });

  it('passes a cause through, non-enumerable', () => {
    const cause = new Error('secret detail');
    const error = new ConfigurationError('bad option', { cause });
    expect(error.cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
  });
});
