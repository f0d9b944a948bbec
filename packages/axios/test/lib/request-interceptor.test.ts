import { createOriginPolicy, type Token, type TokenSource } from '@m2m-auth/core';
import axios, { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { RedirectGuard } from '../../src/lib/redirect-guard.js';
import { tokenRequestInterceptor, type Sent } from '../../src/lib/request-interceptor.js';

function setup(baseURL?: string) {
  let asked = 0;
  const token: Token = { value: 't1', type: 'DPoP', expiresAt: Infinity, scope: undefined };
  const source: TokenSource = {
    getToken: async () => (asked++, token),
    invalidate: async () => undefined,
    close: () => undefined,
  };
  const sentWith = new WeakMap<object, Sent>();
  const guard = new RedirectGuard();
  const intercept = tokenRequestInterceptor({
    instance: axios.create(baseURL === undefined ? {} : { baseURL }),
    source,
    policy: createOriginPolicy({ origins: ['https://api.example'] }),
    guard,
    sentWith,
  });
  const config = (url: string) => ({ url, headers: new AxiosHeaders() }) as InternalAxiosRequestConfig;
  return { intercept, config, sentWith, guard, token, asked: () => asked };
}

describe('tokenRequestInterceptor', () => {
  it('gives a request to an allowed origin the token, a redirect hook, and records what it sent', async () => {
    const { intercept, config, sentWith, token } = setup('https://api.example/v1');
    const out = await intercept(config('/tables'));
    expect(out.headers.get('Authorization')).toBe('DPoP t1');
    expect(typeof out.beforeRedirect).toBe('function');
    expect(sentWith.get(out)).toEqual({ token, origin: 'https://api.example' });
  });

  it('resolves an absolute url over baseURL, as axios does', async () => {
    const { intercept, config, asked } = setup('https://api.example');
    const out = await intercept(config('https://other.example/x'));
    expect(out.headers.has('Authorization')).toBe(false);
    expect(asked()).toBe(0);
  });

  it('sends no token for a relative url without baseURL, and does not ask for one', async () => {
    const { intercept, config, sentWith, asked } = setup();
    const out = await intercept(config('/tables'));
    expect(out.headers.has('Authorization')).toBe(false);
    expect(sentWith.has(out)).toBe(false);
    expect(asked()).toBe(0);
  });

  it('takes back its header from a config sent again to an origin that gets no token', async () => {
    const { intercept, config } = setup('https://api.example');
    const first = await intercept(config('/tables'));
    const again = { ...first, url: 'https://other.example/x' } as InternalAxiosRequestConfig;
    const out = await intercept(again);
    expect(out.headers.has('Authorization')).toBe(false);
    expect(out.beforeRedirect).toBeUndefined();
  });
});
