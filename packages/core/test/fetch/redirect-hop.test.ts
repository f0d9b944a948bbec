import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dropCrossOriginHeaders, isRedirect, redirectHop } from '../../src/fetch/redirect-hop.js';
import type { Hop } from '../../src/fetch/request-parts.js';

function hop(method: string, body: unknown = null, extra: Record<string, string> = {}): Hop {
  return {
    url: new URL('https://api.example/start'),
    method,
    body,
    headers: new Headers({
      authorization: 'Bearer t',
      cookie: 'session=1',
      'proxy-authorization': 'Basic p',
      'content-type': 'text/plain',
      'x-trace': 'abc',
      ...extra,
    }),
  };
}

describe('isRedirect', () => {
  it.each([301, 302, 303, 307, 308])('%i is a redirect', (status) => expect(isRedirect(status)).toBe(true));
  it.each([200, 304, 300, 401])('%i is not', (status) => expect(isRedirect(status)).toBe(false));
});

describe('dropCrossOriginHeaders', () => {
  it('removes Authorization, Proxy-Authorization, Cookie and Host, nothing else', () => {
    const headers = new Headers({
      authorization: 'Bearer t',
      'proxy-authorization': 'Basic p',
      cookie: 'a=1',
      host: 'api.example',
      'x-trace': 'abc',
    });
    dropCrossOriginHeaders(headers);
    const names: string[] = [];
    headers.forEach((_value, name) => names.push(name));
    expect(names).toEqual(['x-trace']);
  });
});

describe('redirectHop', () => {
  it('resolves a relative Location and keeps everything on the same origin', () => {
    const first = hop('PUT', 'payload');
    const next = redirectHop(first, 307, '/end');
    expect(next.url.href).toBe('https://api.example/end');
    expect([next.method, next.body]).toEqual(['PUT', 'payload']);
    expect(next.headers.get('authorization')).toBe('Bearer t');
    expect(next.headers.get('cookie')).toBe('session=1');
  });

  it('drops the credentials on another origin, and leaves the first hop as it was', () => {
    const first = hop('GET');
    const next = redirectHop(first, 302, 'https://other.example/x');
    expect(next.headers.has('authorization')).toBe(false);
    expect(next.headers.has('cookie')).toBe(false);
    expect(next.headers.has('proxy-authorization')).toBe(false);
    expect(next.headers.get('x-trace')).toBe('abc');
    expect(first.headers.get('authorization')).toBe('Bearer t');
  });

  it.each([
    [303, 'POST'],
    [303, 'PUT'],
    [301, 'POST'],
    [302, 'POST'],
  ])('a %i after %s becomes a GET without body or body headers', (status, method) => {
    const next = redirectHop(hop(method, 'payload'), status, '/next');
    expect([next.method, next.body]).toEqual(['GET', null]);
    expect(next.headers.has('content-type')).toBe(false);
    expect(next.headers.get('x-trace')).toBe('abc');
  });

  it.each([
    [303, 'GET'],
    [303, 'HEAD'],
    [301, 'PUT'],
    [308, 'POST'],
  ])('a %i after %s keeps the method', (status, method) => {
    expect(redirectHop(hop(method), status, '/next').method).toBe(method);
  });

  it('refuses a 307/308 with a stream body', () => {
    expect(() => redirectHop(hop('POST', Readable.from(['x'])), 307, '/next')).toThrow(
      /cannot follow a 307\/308 redirect with a stream body/,
    );
  });

  it('follows a 303 with a stream body, since the body is dropped', () => {
    expect(redirectHop(hop('POST', Readable.from(['x'])), 303, '/next').body).toBeNull();
  });

  it.each(['ftp://api.example/x', 'file:///etc/passwd', 'javascript:alert(1)'])(
    'refuses a redirect to %s',
    (to) => {
      expect(() => redirectHop(hop('GET'), 302, to)).toThrow(TypeError);
      expect(() => redirectHop(hop('GET'), 302, to)).toThrow(/not http\(s\)/);
    },
  );
});
