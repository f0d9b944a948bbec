import type { FetchLike } from '@m2m-auth/core';

/** A `fetch` for a token source that keeps a copy of the token endpoint's answer. */
export interface ResponseCapture {
  /** Hand this to the token source as its `fetch`. */
  readonly fetch: FetchLike;
  /**
   * The JSON object of the last successful `POST` answer (the token response, since discovery uses
   * `GET`), or `undefined` when there was none or it was not a JSON object.
   */
  last(): Promise<Record<string, unknown> | undefined>;
}

function method(input: Parameters<FetchLike>[0], init: Parameters<FetchLike>[1]): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}

/**
 * A `fetch` that passes every request to the global `fetch` and reads a copy of each successful `POST`
 * answer: the token source still reads, checks and limits the original, so the copy is used only once
 * the source has accepted it. This is how `token --json` prints the whole token response (refresh
 * token, `id_token`, provider fields), which a token source does not keep.
 */
export function captureResponses(): ResponseCapture {
  let pending: Promise<Record<string, unknown> | undefined> = Promise.resolve(undefined);
  return {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.ok && method(input, init) === 'POST') {
        pending = response
          .clone()
          .text()
          .then((text) => {
            const value: unknown = JSON.parse(text);
            return typeof value === 'object' && value !== null && !Array.isArray(value)
              ? (value as Record<string, unknown>)
              : undefined;
          })
          .catch(() => undefined);
      }
      return response;
    },
    last: () => pending,
  };
}
