import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { partsOf, replayable } from '../../src/fetch/request-parts.js';

describe('replayable', () => {
  it.each([
    ['none', undefined],
    ['null', null],
    ['a string', 'payload'],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['a Uint8Array', new Uint8Array([1, 2])],
    ['URLSearchParams', new URLSearchParams({ q: '1' })],
    ['FormData', new FormData()],
    ['a Blob', new Blob(['x'])],
  ])('%s can be sent again', (_name, body) => {
    expect(replayable(body)).toBe(true);
  });

  it.each([
    ['a ReadableStream', new ReadableStream()],
    ['a Node stream', Readable.from(['x'])],
  ])('%s cannot', (_name, body) => {
    expect(replayable(body)).toBe(false);
  });
});

describe('partsOf', () => {
  it('takes a URL and init apart, upper-casing the method, following redirects by default', async () => {
    const signal = new AbortController().signal;
    const parts = await partsOf('https://api.example/x', {
      method: 'post',
      headers: { 'x-a': '1' },
      body: 'payload',
      signal,
    });
    expect(parts.url.href).toBe('https://api.example/x');
    expect(parts.method).toBe('POST');
    expect(parts.headers.get('x-a')).toBe('1');
    expect(parts.body).toBe('payload');
    expect(parts.redirect).toBe('follow');
    expect(parts.rest).toEqual({ signal });
  });

  it('defaults to GET without body', async () => {
    const parts = await partsOf(new URL('https://api.example/'), undefined);
    expect([parts.method, parts.body, parts.redirect]).toEqual(['GET', null, 'follow']);
  });

  it('reads the body of a Request into memory, and keeps its settings', async () => {
    const request = new Request('https://api.example/up', {
      method: 'PUT',
      body: 'data',
      headers: { 'content-type': 'text/plain' },
      redirect: 'manual',
      cache: 'no-store',
    });
    const parts = await partsOf(request, undefined);
    expect(parts.method).toBe('PUT');
    expect(parts.body).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(parts.body as Uint8Array)).toBe('data');
    expect(parts.headers.get('content-type')).toBe('text/plain');
    expect(parts.redirect).toBe('manual');
    expect(parts.rest.cache).toBe('no-store');
  });

  it('lets init take precedence over a Request, its body used as it is', async () => {
    const request = new Request('https://api.example/up', { method: 'PUT', body: 'old' });
    const body = new URLSearchParams({ q: '1' });
    const parts = await partsOf(request, { method: 'POST', body });
    expect(parts.method).toBe('POST');
    expect(parts.body).toBe(body);
  });

  it('copies the headers: the caller’s object is never changed', async () => {
    const headers = new Headers({ 'x-a': '1' });
    const parts = await partsOf('https://api.example/', { headers });
    parts.headers.set('authorization', 'Bearer t');
    expect(headers.has('authorization')).toBe(false);
  });
});
