import { describe, expect, it } from 'vitest';
import { fromNodeRequest } from '../../src/authorize/node-request.js';
import { extractToken } from '../../src/verify/authenticate.js';

describe('fromNodeRequest', () => {
  it('maps a Node request, the Authorization header from rawHeaders', () => {
    const body = { name: 'orders' };
    expect(
      fromNodeRequest({
        rawHeaders: ['Host', 'api.example', 'Authorization', 'Bearer abc', 'Content-Type', 'text/plain'],
        headers: { host: 'api.example', authorization: 'Bearer abc', 'content-type': 'text/plain' },
        method: 'POST',
        url: '/v1/tables?x=1',
        body,
      }),
    ).toEqual({
      headers: { authorization: 'Bearer abc', 'content-type': 'text/plain' },
      method: 'POST',
      url: '/v1/tables?x=1',
      body,
    });
  });

  it('keeps both of two Authorization headers, which Node folds to the first: multiple_tokens', () => {
    const request = fromNodeRequest({
      rawHeaders: ['authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'],
      headers: { authorization: 'Bearer a' },
    });
    expect(request.headers.authorization).toEqual(['Bearer a', 'Bearer b']);
    expect(() => extractToken(request)).toThrow(expect.objectContaining({ reason: 'multiple_tokens' }));
  });
});
