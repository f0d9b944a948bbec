import type { FetchLike } from '@m2m-auth/core';

export interface SeenRequest {
  url: string;
  method: string;
  headers: Headers;
  form: URLSearchParams;
  redirect: RequestRedirect | undefined;
}

export type Answer = Response | (() => Response | Promise<Response>) | Error;

export const TOKEN_ENDPOINT = 'https://id.example/auth/realms/acme/protocol/openid-connect/token';

/** A `fetch` that plays the token endpoint: answers from `answer(request, n)` and records requests. */
export function fakeEndpoint(answer: (request: SeenRequest, n: number) => Answer | Promise<Answer>) {
  const requests: SeenRequest[] = [];
  const fetch: FetchLike = async (input, init) => {
    const request: SeenRequest = {
      url: input instanceof Request ? input.url : String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      form: new URLSearchParams(
        typeof init?.body === 'string' ? init.body : (init?.body as URLSearchParams)?.toString(),
      ),
      redirect: init?.redirect,
    };
    requests.push(request);
    const a = await answer(request, requests.length);
    if (a instanceof Error) throw a;
    return typeof a === 'function' ? a() : a;
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

let counter = 0;
export function tokenResponse(extra: Record<string, unknown> = {}): Response {
  counter++;
  return json({
    access_token: `at-${counter}-${Math.random()}`,
    token_type: 'Bearer',
    expires_in: 300,
    ...extra,
  });
}
