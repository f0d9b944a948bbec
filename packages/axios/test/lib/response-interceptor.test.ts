import { Readable } from 'node:stream';
import type { Token, TokenSource } from '@m2m-auth/core';
import { AxiosHeaders, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import type { Sent } from '../../src/lib/request-interceptor.js';
import {
  finalOrigin,
  headerValue,
  replayable,
  retryInterceptors,
} from '../../src/lib/response-interceptor.js';

const t1: Token = { value: 't1', type: 'Bearer', expiresAt: Infinity, scope: undefined };

function setup(options: { fresh?: string } = {}) {
  const invalidated: string[] = [];
  const retried: InternalAxiosRequestConfig[] = [];
  const source: TokenSource = {
    getToken: async () => ({ ...t1, value: options.fresh ?? 't2' }),
    invalidate: async (value) => void invalidated.push(value),
    close: () => undefined,
  };
  const instance = {
    request: async (config: InternalAxiosRequestConfig) => {
      retried.push(config);
      return { status: 200, config } as AxiosResponse;
    },
  } as unknown as AxiosInstance;
  const sentWith = new WeakMap<object, Sent>();
  const handlers = retryInterceptors(instance, source, sentWith);
  const config = (data?: unknown) => {
    const c = { url: '/x', headers: new AxiosHeaders(), data } as InternalAxiosRequestConfig;
    sentWith.set(c, { token: t1, origin: 'https://api.example' });
    return c;
  };
  const response = (
    status: number,
    c: InternalAxiosRequestConfig,
    extra: { challenge?: string; responseUrl?: string } = {},
  ) =>
    ({
      status,
      config: c,
      headers: new AxiosHeaders(extra.challenge === undefined ? {} : { 'www-authenticate': extra.challenge }),
      request: extra.responseUrl === undefined ? {} : { res: { responseUrl: extra.responseUrl } },
    }) as unknown as AxiosResponse;
  return { ...handlers, invalidated, retried, config, response, sentWith };
}

describe('replayable', () => {
  it.each([undefined, null, 'text', 42, { a: 1 }, new Uint8Array(2), new URLSearchParams()])(
    '%j can be sent again',
    (data) => {
      expect(replayable(data)).toBe(true);
    },
  );
  it('a stream cannot', () => {
    expect(replayable(Readable.from(['x']))).toBe(false);
    expect(replayable(new ReadableStream())).toBe(false);
  });
});

describe('headerValue', () => {
  it('reads AxiosHeaders (any case) and plain objects', () => {
    expect(headerValue(new AxiosHeaders({ 'WWW-Authenticate': 'Bearer' }), 'www-authenticate')).toBe(
      'Bearer',
    );
    expect(headerValue({ 'www-authenticate': 'Bearer' }, 'www-authenticate')).toBe('Bearer');
    expect(headerValue({ 'www-authenticate': ['a'] }, 'www-authenticate')).toBeUndefined();
    expect(headerValue(undefined, 'www-authenticate')).toBeUndefined();
  });
});

describe('finalOrigin', () => {
  it('reads the Node adapter and the XHR adapter, or says it does not know', () => {
    const of = (request: unknown) => finalOrigin({ request } as AxiosResponse);
    expect(of({ res: { responseUrl: 'https://api.example/after?x=1' } })).toBe('https://api.example');
    expect(of({ responseURL: 'http://127.0.0.1:8080/x' })).toBe('http://127.0.0.1:8080');
    expect(of({})).toBeUndefined();
    expect(of({ responseURL: '' })).toBeUndefined();
    expect(of(null)).toBeUndefined();
  });
});

describe('retryInterceptors', () => {
  it('passes an answer that does not refuse the token through', async () => {
    const { onResponse, config, response, invalidated, retried } = setup();
    const ok = response(200, config());
    expect(await onResponse(ok)).toBe(ok);
    const scope = response(401, config(), { challenge: 'Bearer error="insufficient_scope"' });
    expect(await onResponse(scope)).toBe(scope);
    expect([invalidated, retried]).toEqual([[], []]);
  });

  it('invalidates exactly the token sent and retries once, marked', async () => {
    const { onResponse, config, response, invalidated, retried, sentWith } = setup();
    const sent = config('body');
    const out = await onResponse(response(401, sent));
    expect(out.status).toBe(200);
    expect(invalidated).toEqual(['t1']);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ url: '/x', data: 'body', m2mAuthRetry: true });
    // The retry itself is never retried, though it carried a token of ours too.
    const again = retried[0]!;
    sentWith.set(again, { token: { ...t1, value: 't2' }, origin: 'https://api.example' });
    const second = response(401, again);
    expect(await onResponse(second)).toBe(second);
    expect(invalidated).toEqual(['t1']);
  });

  it('leaves a 401 from another origin (reached by a redirect) alone', async () => {
    const { onResponse, config, response, invalidated, retried } = setup();
    const foreign = response(401, config(), { responseUrl: 'https://other.example/x' });
    expect(await onResponse(foreign)).toBe(foreign);
    expect([invalidated, retried]).toEqual([[], []]);
    const same = response(401, config(), { responseUrl: 'https://api.example/after' });
    expect((await onResponse(same)).status).toBe(200);
  });

  it('leaves a request that carried no token of ours alone', async () => {
    const { onResponse, response, invalidated } = setup();
    const unknown = { url: '/x', headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
    const answer = response(401, unknown);
    expect(await onResponse(answer)).toBe(answer);
    expect(invalidated).toEqual([]);
  });

  it('invalidates but does not retry a stream body, nor when the source hands out the same value', async () => {
    const stream = setup();
    const streamed = stream.response(401, stream.config(Readable.from(['x'])));
    expect(await stream.onResponse(streamed)).toBe(streamed);
    expect([stream.invalidated, stream.retried]).toEqual([['t1'], []]);

    const fixed = setup({ fresh: 't1' });
    const answer = fixed.response(401, fixed.config());
    expect(await fixed.onResponse(answer)).toBe(answer);
    expect([fixed.invalidated, fixed.retried]).toEqual([['t1'], []]);
  });

  it('retries an axios error carrying a 401, rethrows any other error', async () => {
    const { onError, config, response, retried, sentWith } = setup();
    const error = { isAxiosError: true, response: response(401, config()) };
    expect((await onError(error)).status).toBe(200);
    expect(retried).toHaveLength(1);

    const network = new Error('ECONNRESET');
    await expect(onError(network)).rejects.toBe(network);
    const forbidden = { isAxiosError: true, response: response(403, config()) };
    await expect(onError(forbidden)).rejects.toBe(forbidden);
    const marked = { ...config(), m2mAuthRetry: true } as InternalAxiosRequestConfig;
    sentWith.set(marked, { token: t1, origin: 'https://api.example' });
    const stuck = { isAxiosError: true, response: response(401, marked) };
    await expect(onError(stuck)).rejects.toBe(stuck);
  });
});
