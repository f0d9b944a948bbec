import { describe, expect, it } from 'vitest';
import { authFetch, ConfigurationError, StaticToken, type AuthFetchOptions } from '@m2m-auth/core';
import { countingSource } from '../support/counting-source.js';

interface Sent {
  url: string;
  method: string;
  authorization: string | null;
  body: string | null;
  headers: Headers;
  init: RequestInit | undefined;
}

function formData(): FormData {
  const form = new FormData();
  form.append('name', 'tables');
  form.append('file', new Blob(['csv,data'], { type: 'text/csv' }), 'rows.csv');
  return form;
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
      headers,
      init,
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
    // Checked as @m2m-auth/axios checks them: a string is not read as false.
    [{ anyOrigin: 'true' }, /anyOrigin must be a boolean/],
    [{ origins: [API], allowInsecureRequests: 'yes' }, /allowInsecureRequests must be a boolean/],
  ])('refuses %j', (value, message) => {
    const options = value as AuthFetchOptions;
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
    ['FormData', formData()],
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
    // FormData gets a new multipart boundary each time it is serialized; the parts are the same.
    const parts = (text: string | null) => text?.replace(/-+formdata-[\w-]+/g, '--boundary');
    expect(parts(sent[1]!.body)).toBe(parts(sent[0]!.body));
    if (body instanceof FormData) expect(sent[1]!.body).toContain('csv,data');
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

  it('does not retry a stream body: the 401 is returned, and the next call gets a fresh token', async () => {
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
    expect(invalidated).toEqual(['tok-1']);
    await authFetch(source, { origins: [API], fetch })(`${API}/y`);
    expect(sent.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-3']);
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

describe('authFetch with a Request as input', () => {
  it('keeps its method, headers, body, redirect mode and other settings', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(
      () => new Response(null, { status: 302, headers: { location: '/elsewhere' } }),
    );
    const controller = new AbortController();
    const request = new Request(`${API}/v1/tables`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
      body: JSON.stringify({ name: 't1' }),
      redirect: 'manual',
      credentials: 'include',
      cache: 'no-store',
      keepalive: true,
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    });
    const res = await authFetch(source, { origins: [API], fetch })(request);
    expect(res.status).toBe(302); // redirect: 'manual' kept
    expect(sent).toHaveLength(1);
    const [s] = sent;
    expect(s!.method).toBe('POST');
    expect(s!.body).toBe('{"name":"t1"}');
    expect(s!.headers.get('content-type')).toBe('application/json');
    expect(s!.headers.get('x-request-id')).toBe('r-1');
    expect(s!.authorization).toBe('Bearer tok-1');
    expect(s!.init).toMatchObject({
      credentials: 'include',
      cache: 'no-store',
      keepalive: true,
      referrerPolicy: 'no-referrer',
    });
    const signal = s!.init!.signal!;
    expect(signal.aborted).toBe(false);
    controller.abort();
    expect(signal.aborted).toBe(true);
  });

  it('lets init take precedence, as fetch(request, init) does', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(() => new Response('ok'));
    const request = new Request(`${API}/v1/tables`, {
      method: 'PUT',
      headers: { 'x-old': '1' },
      body: 'old',
    });
    await authFetch(source, { origins: [API], fetch })(request, {
      method: 'PATCH',
      headers: { 'x-new': '2' },
      body: 'new',
    });
    expect(sent.map((s) => [s.method, s.body, s.headers.get('x-old'), s.headers.get('x-new')])).toEqual([
      ['PATCH', 'new', null, '2'],
    ]);
  });

  it.each([
    ['a string', () => 'hello', 'text/plain;charset=UTF-8'],
    [
      'URLSearchParams',
      () => new URLSearchParams({ a: '1' }),
      'application/x-www-form-urlencoded;charset=UTF-8',
    ],
    ['a Blob', () => new Blob(['blob'], { type: 'application/octet-stream' }), 'application/octet-stream'],
    ['FormData', formData, /^multipart\/form-data; boundary=/],
    [
      'a ReadableStream',
      () =>
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('streamed'));
            c.close();
          },
        }),
      undefined,
    ],
  ])('replays its body (%s) on the 401 retry', async (_name, makeBody, contentType) => {
    const { source, invalidated } = countingSource();
    const { fetch, sent } = recordingFetch((s) =>
      s.authorization === 'Bearer tok-1' ? new Response(null, { status: 401 }) : new Response('ok'),
    );
    const body = makeBody();
    const request = new Request(`${API}/v1/upload`, {
      method: 'POST',
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
    const res = await authFetch(source, { origins: [API], fetch })(request);
    expect(res.status).toBe(200);
    expect(invalidated).toEqual(['tok-1']);
    expect(sent.map((s) => [s.method, s.authorization])).toEqual([
      ['POST', 'Bearer tok-1'],
      ['POST', 'Bearer tok-2'],
    ]);
    expect(sent[0]!.body).not.toBe('');
    expect(sent[1]!.body).toBe(sent[0]!.body);
    if (contentType !== undefined) {
      expect(sent[1]!.headers.get('content-type')).toMatch(contentType);
      expect(sent[1]!.headers.get('content-type')).toBe(sent[0]!.headers.get('content-type'));
    }
  });

  it('follows a 307 with its body', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch((s) =>
      s.url.endsWith('/a')
        ? new Response(null, { status: 307, headers: { location: '/b' } })
        : new Response('ok'),
    );
    await authFetch(source, { origins: [API], fetch })(
      new Request(`${API}/a`, { method: 'POST', body: 'data' }),
    );
    expect(sent.map((s) => [s.url, s.method, s.body])).toEqual([
      [`${API}/a`, 'POST', 'data'],
      [`${API}/b`, 'POST', 'data'],
    ]);
  });
});

describe('authFetch: what is and is not a reason to retry', () => {
  it('a 401 with error="insufficient_scope" is returned, the token kept', async () => {
    const { source, invalidated } = countingSource();
    const { fetch, sent } = recordingFetch(
      () =>
        new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="api", error="insufficient_scope", scope="write"' },
        }),
    );
    const res = await authFetch(source, { origins: [API], fetch })(`${API}/x`);
    expect(res.status).toBe(401);
    expect(sent).toHaveLength(1);
    expect(invalidated).toEqual([]);
  });

  it.each([
    ['Bearer error=invalid_token'],
    ['Bearer realm="api", error="invalid_token", error_description="The access token expired"'],
    ['Basic realm="x", Bearer error="INVALID_TOKEN"'],
  ])('a 403 with %s is retried', async (challenge) => {
    const { source, invalidated } = countingSource();
    const { fetch, sent } = recordingFetch((_, n) =>
      n === 1
        ? new Response(null, { status: 403, headers: { 'www-authenticate': challenge } })
        : new Response('ok'),
    );
    const res = await authFetch(source, { origins: [API], fetch })(`${API}/x`);
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(invalidated).toEqual(['tok-1']);
  });

  it('an error_description mentioning invalid_token is not an invalid_token challenge', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(
      () =>
        new Response(null, {
          status: 403,
          headers: {
            'www-authenticate': 'Bearer error="insufficient_scope", error_description="not invalid_token"',
          },
        }),
    );
    expect((await authFetch(source, { origins: [API], fetch })(`${API}/x`)).status).toBe(403);
    expect(sent).toHaveLength(1);
  });
});

describe('authFetch and caller headers', () => {
  it('leaves an Authorization header alone at an origin that gets no token', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch(() => new Response('ok'));
    await authFetch(source, { origins: [API], fetch })('https://other.example/x', {
      headers: { authorization: 'Basic dXNlcjpwdw==' },
    });
    expect(sent.map((s) => s.authorization)).toEqual(['Basic dXNlcjpwdw==']);
  });

  it('drops Cookie, Proxy-Authorization and Authorization when a redirect changes the origin', async () => {
    const { source } = countingSource();
    const { fetch, sent } = recordingFetch((s) =>
      s.url.startsWith('https://other.example/a')
        ? new Response(null, { status: 302, headers: { location: '/b' } })
        : s.url.startsWith('https://other.example/b')
          ? new Response(null, { status: 302, headers: { location: 'https://third.example/c' } })
          : new Response('ok'),
    );
    await authFetch(source, { origins: [API], fetch })('https://other.example/a', {
      headers: {
        authorization: 'Basic abc',
        cookie: 'session=1',
        'proxy-authorization': 'Basic p',
        'x-keep': 'k',
      },
    });
    expect(
      sent.map((s) => [
        s.url,
        s.authorization,
        s.headers.get('cookie'),
        s.headers.get('proxy-authorization'),
        s.headers.get('x-keep'),
      ]),
    ).toEqual([
      ['https://other.example/a', 'Basic abc', 'session=1', 'Basic p', 'k'],
      ['https://other.example/b', 'Basic abc', 'session=1', 'Basic p', 'k'],
      ['https://third.example/c', null, null, null, 'k'],
    ]);
  });
});
