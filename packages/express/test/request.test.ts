import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { toAuthRequest } from '../src/request.js';

const request = (fields: Partial<Request>): Request =>
  ({ headers: {}, rawHeaders: [], method: 'GET', originalUrl: '/', ...fields }) as Request;

describe('toAuthRequest', () => {
  it('reads the Authorization header from rawHeaders, every one of them', () => {
    const one = request({ rawHeaders: ['Host', 'api', 'Authorization', 'Bearer a'] });
    expect(toAuthRequest(one).headers.authorization).toBe('Bearer a');
    // Node keeps only the first in `headers`: two credentials must still be seen.
    const two = request({
      headers: { authorization: 'Bearer a' },
      rawHeaders: ['authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'],
    });
    expect(toAuthRequest(two).headers.authorization).toEqual(['Bearer a', 'Bearer b']);
    expect(toAuthRequest(request({})).headers.authorization).toBeUndefined();
  });

  it('maps the method, the URL before routers rewrote it, the content type and the body', () => {
    const mapped = toAuthRequest(
      request({
        method: 'POST',
        url: '/tables',
        originalUrl: '/v1/tables?access_token=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'c=1' },
        body: { access_token: 'x' },
      }),
    );
    expect(mapped).toEqual({
      headers: { authorization: undefined, 'content-type': 'application/x-www-form-urlencoded' },
      method: 'POST',
      url: '/v1/tables?access_token=x',
      body: { access_token: 'x' },
    });
  });
});
