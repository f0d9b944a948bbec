import { describe, expect, it } from 'vitest';
import { FetchJsonError, fetchJson, readBodyLimited, type FetchLike } from '../../src/lib/fetch-json.js';

const stream = (chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function failureOf(promise: Promise<unknown>): Promise<FetchJsonError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FetchJsonError) return err;
    throw err;
  }
  throw new Error('expected a FetchJsonError');
}

describe('readBodyLimited', () => {
  it('reads a body up to the limit, across chunks and multi-byte characters', async () => {
    const text = await readBodyLimited(new Response(stream(['{"a":', '"\u00e9"}'])), 11);
    expect(text).toBe('{"a":"\u00e9"}');
  });

  it('refuses a declared content-length over the limit without reading', async () => {
    let pulled = false;
    const body = new ReadableStream({
      pull() {
        pulled = true;
      },
    });
    const response = new Response(body, { headers: { 'content-length': '1000' } });
    const error = await failureOf(readBodyLimited(response, 999));
    expect(error.failure).toBe('too_large');
    expect(pulled).toBe(false);
  });

  it('stops reading a streamed body once it passes the limit', async () => {
    let served = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        served++;
        controller.enqueue(new Uint8Array(100));
      },
    });
    const error = await failureOf(readBodyLimited(new Response(body), 250));
    expect(error.failure).toBe('too_large');
    expect(served).toBeLessThan(10);
  });

  it('accepts a body of exactly the limit, and an empty body', async () => {
    expect(await readBodyLimited(new Response('x'.repeat(10)), 10)).toBe('x'.repeat(10));
    expect(await readBodyLimited(new Response(null), 10)).toBe('');
  });
});

describe('fetchJson', () => {
  const answer =
    (response: Response | (() => Promise<Response>)): FetchLike =>
    () =>
      typeof response === 'function' ? response() : Promise.resolve(response);
  const options = (fetch: FetchLike, timeout = 1000) => ({ fetch, timeout, maxBytes: 1024 });

  it('parses a JSON document and sends accept: application/json', async () => {
    let headers: HeadersInit | undefined;
    const fetch: FetchLike = (_url, init) => {
      headers = init?.headers;
      return Promise.resolve(new Response('{"keys":[]}'));
    };
    expect(await fetchJson('https://id.example/certs', options(fetch))).toEqual({ keys: [] });
    expect(headers).toMatchObject({ accept: 'application/json' });
  });

  it.each([
    ['status', new Response('{}', { status: 500 })],
    ['status', new Response('{}', { status: 302, headers: { location: 'https://evil.example' } })],
    ['not_json', new Response('<html>')],
    ['too_large', new Response('x'.repeat(2000))],
  ])('fails with %s', async (failure, response) => {
    expect((await failureOf(fetchJson('https://id.example', options(answer(response))))).failure).toBe(
      failure,
    );
  });

  it('fails with network when the request throws', async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError('fetch failed'));
    const error = await failureOf(fetchJson('https://id.example', options(fetch)));
    expect(error.failure).toBe('network');
    expect(Object.keys(error)).not.toContain('cause');
  });

  it('fails with timeout when no answer comes in time', async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error));
      });
    const started = performance.now();
    const error = await failureOf(fetchJson('https://id.example', options(fetch, 50)));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe('no answer within 50 ms');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
