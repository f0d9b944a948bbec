import type { Principal } from '@m2m-auth/core';
import { describe, expect, it } from 'vitest';
import {
  authenticationOf,
  setAuthentication,
  toAuthRequest,
  type AuthHttpRequest,
} from '../src/auth.request.js';

describe('toAuthRequest', () => {
  it('reads every Authorization header from the rawHeaders of Express (Node) requests', () => {
    const request: AuthHttpRequest = {
      headers: { authorization: 'Bearer a' },
      rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'Bearer b'],
    };
    expect(toAuthRequest(request).headers.authorization).toEqual(['Bearer a', 'Bearer b']);
  });

  it('reads them from the Node request under a Fastify request', () => {
    const request: AuthHttpRequest = {
      headers: { authorization: 'Bearer a' },
      raw: { rawHeaders: ['AUTHORIZATION', 'Bearer a', 'Authorization', 'Bearer b'] },
    };
    expect(toAuthRequest(request).headers.authorization).toEqual(['Bearer a', 'Bearer b']);
    expect(toAuthRequest({ headers: {}, raw: { rawHeaders: [] } }).headers.authorization).toBeUndefined();
  });

  it('falls back to headers without rawHeaders (another platform, a test)', () => {
    expect(toAuthRequest({ headers: { authorization: 'Bearer a' } }).headers.authorization).toBe('Bearer a');
  });

  it('maps the content type, the method, the URL before routers rewrote it, and the body', () => {
    const mapped = toAuthRequest({
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'c' },
      method: 'POST',
      url: '/tables',
      originalUrl: '/v1/tables',
      body: { access_token: 'x' },
    });
    expect(mapped).toEqual({
      headers: { authorization: undefined, 'content-type': 'application/x-www-form-urlencoded' },
      method: 'POST',
      url: '/v1/tables',
      body: { access_token: 'x' },
    });
    expect(toAuthRequest({ headers: {}, url: '/t' }).url).toBe('/t');
  });
});

describe('the authentication of a request', () => {
  it('is recorded once, hidden from enumeration, and found again', async () => {
    const request: AuthHttpRequest = { headers: {} };
    expect(authenticationOf(request)).toBeUndefined();
    const pending = Promise.resolve({ clientId: 'svc' } as Principal);
    setAuthentication(request, pending);
    expect(authenticationOf(request)).toBe(pending);
    expect(Object.keys(request)).toEqual(['headers']);
    expect(JSON.stringify(request)).toBe('{"headers":{}}');
    await expect(authenticationOf(request)).resolves.toEqual({ clientId: 'svc' });
  });
});
