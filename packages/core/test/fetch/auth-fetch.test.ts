import { describe, expect, it } from 'vitest';
import { authFetch, ConfigurationError, StaticToken, type Token, type TokenSource } from '@m2m-auth/core';

/** A token source that hands out tok-1, tok-2, … and records invalidations. */
function countingSource() {
  let n = 1;
  const invalidated: string[] = [];
  const source: TokenSource = {
    getToken: async (): Promise<Token> => ({
      value: `tok-${n}`,
      type: 'Bearer',
      expiresAt: Date.now() + 60_000,
      scope: undefined,
    }),
    invalidate: async (value) => {
      invalidated.push(value);
      if (value === `tok-${n}`) n++;
    },
    close: () => undefined,
  };
  return { source, invalidated };
}

interface Sent {
  url: string;
  method: string;
  authorization: string | null;
  body: string | null;
}

function recordingFetch(answer: (sent: Sent, n: number) => Response) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const body = init?.body;
    const s: Sent = {
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method ?? 'GET',
      authorization: headers.get('authorization'),
      body: body === undefined || body === null ? null : await new Response(body).text(),
    };
    sent.push(s);
    return answer(s, sent.length);
  };
  return { fetch, sent };
}

const API = 'https://acme.api.example';

describe('authFetch options', () => {
  const { source } = countingSource();
  it.each([
    [{}, /origins must be a non-empty array/],
    [{ origins: [] }, /origins must be a non-empty array/],
    [{ origins: ['https://a.example/path'] }, /bare origins/],
    [{ origins: ['http://a.example'] }, /plain http/],
    [{ origins: [API], anyOrigin: true }, /either origins or anyOrigin/],
    [{ origins: [API], maxRedirects: -1 }, /maxRedirects/],
  ])('refuses %j', (options, message) => {
    expect(() => authFetch(source, options)).toThrow(ConfigurationError);
    expect(() => authFetch(source, options)).toThrow(message);
  });
});

describe('authFetch', () => {
  it('attaches the token only to allowed origins', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(() => new Response('ok'));
    const api = authFetch(source, { origins: [`${API}:443`, 'http://127.0.0.1:9'], fetch });
    await api(`${API}/v1/projects`);
    await api('https://evil.example/steal');
    await api(new URL('http://127.0.0.1:9/x'));
    await api(new Request(`${API}/v1/req`));
    expect(sent.map((s) => s.authorization)).toEqual(['Bearer tok-1', null, 'Bearer tok-1', 'Bearer tok-1']);
  });

  it('anyOrigin never sends a token over plain http to a non-loopback host', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(() => new Response('ok'));
    const api = authFetch(source, { anyOrigin: true, fetch });
    await api('https://anything.example/');
    await api('http://plain.example/');
    expect(sent.map((s) => s.authorization)).toEqual(['Bearer tok-1', null]);
  });

  it.each([
    ['no body', undefined],
    ['a string', 'hello'],
    ['URLSearchParams', new URLSearchParams({ a: '1' })],
    ['a buffer', new TextEncoder().encode('bytes')],
    ['a Blob', new Blob(['blob'])],
  ])('on 401 invalidates the token and retries once with a fresh one (%s)', async (_name, body) => {
    const { source, invalidated } = countingSource();
    const { fetch, sent } = recordingFetch((s) =>
      s.authorization === 'Bearer tok-1' ? new Response('expired', { status: 401 }) : new Response('ok'),
    );
    const api = authFetch(source, { origins: [API], fetch });
    const res = await api(`${API}/v1/tables`, {
      method: body === undefined ? 'GET' : 'POST',
      body: body as BodyInit,
    });
    expect(res.status).toBe(200);
    expect(invalidated).toEqual(['tok-1']);
    expect(sent.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(sent[1]!.body).toBe(sent[0]!.body);
  });

  it('retries on a WWW-Authenticate invalid_token challenge too', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch((_, n) =>
      n === 1
        ? new Response(null, { status: 400, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } })
        : new Response('ok'),
    );
    const res = await authFetch(source, { origins: [API], fetch })(`${API}/x`);
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(2);
  });

  it('retries at most once', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(() => new Response(null, { status: 401 }));
    const res = await authFetch(source, { origins: [API], fetch })(`${API}/x`);
    expect(res.status).toBe(401);
    expect(sent).toHaveLength(2);
  });

  it('does not retry a stream body: the 401 is returned', async () => {
    const { source, invalidated } = countingSource();
    const { fetch, sent } = recordingFetch(() => new Response(null, { status: 401 }));
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('once'));
        c.close();
      },
    });
    const res = await authFetch(source, { origins: [API], fetch })(`${API}/x`, {
      method: 'PUT',
      body: stream,
    });
    expect(res.status).toBe(401);
    expect(sent).toHaveLength(1);
    expect(invalidated).toEqual([]);
  });

  it('returns the 401 when the source has no other token (StaticToken)', async () => {
    const { fetch, sent } = recordingFetch(() => new Response(null, { status: 401 }));
    const res = await authFetch(new StaticToken('k', { scheme: 'Basic' }), { origins: [API], fetch })(
      `${API}/x`,
    );
    expect(res.status).toBe(401);
    expect(sent.map((s) => s.authorization)).toEqual(['Basic k']);
  });

  it('follows redirects by hand and drops the token when the origin changes', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch((s) => {
      if (s.url === `${API}/a`) return new Response(null, { status: 302, headers: { location: '/b' } });
      if (s.url === `${API}/b`)
        return new Response(null, { status: 307, headers: { location: 'https://cdn.example/c' } });
      return new Response('final');
    });
    const api = authFetch(source, { origins: [API], fetch });
    const res = await api(`${API}/a`, { headers: { authorization: 'Bearer user-set' } });
    expect(await res.text()).toBe('final');
    expect(sent.map((s) => [s.url, s.authorization])).toEqual([
      [`${API}/a`, 'Bearer tok-1'],
      [`${API}/b`, 'Bearer tok-1'],
      ['https://cdn.example/c', null],
    ]);
  });

  it('turns a 303 after POST into a GET without body, keeps the body on 307', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch((s) => {
      if (s.url.endsWith('/post')) return new Response(null, { status: 303, headers: { location: '/see' } });
      if (s.url.endsWith('/put')) return new Response(null, { status: 307, headers: { location: '/put2' } });
      return new Response('ok');
    });
    const api = authFetch(source, { origins: [API], fetch });
    await api(`${API}/post`, { method: 'POST', body: 'data' });
    await api(`${API}/put`, { method: 'PUT', body: 'data' });
    expect(sent.map((s) => [s.method, s.body])).toEqual([
      ['POST', 'data'],
      ['GET', null],
      ['PUT', 'data'],
      ['PUT', 'data'],
    ]);
  });

  it("honours redirect: 'manual' and 'error', and bounds redirects", async () => {
    const { source } = countingSource();
    const { fetch } = recordingFetch(
      () => new Response(null, { status: 302, headers: { location: '/loop' } }),
    );
    const api = authFetch(source, { origins: [API], fetch, maxRedirects: 3 });
    expect((await api(`${API}/x`, { redirect: 'manual' })).status).toBe(302);
    await expect(api(`${API}/x`, { redirect: 'error' })).rejects.toThrow(/redirect/);
    await expect(api(`${API}/x`)).rejects.toThrow(/too many redirects/);
  });
});
