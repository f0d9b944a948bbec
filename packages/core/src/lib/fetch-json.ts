/** A `fetch`-compatible function, for tests and custom transports. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface FetchJsonOptions {
  fetch: FetchLike;
  /** Timeout (in milliseconds). */
  timeout: number;
  /** Largest accepted body (in bytes). */
  maxBytes: number;
  /** Request headers. */
  headers?: Record<string, string>;
}

/** Why a JSON document could not be fetched. */
export type FetchJsonFailure = 'timeout' | 'network' | 'status' | 'too_large' | 'not_json';

export class FetchJsonError extends Error {
  constructor(
    readonly failure: FetchJsonFailure,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FetchJsonError';
  }
}

/** Reads a response body as text, refusing to buffer more than `maxBytes`. */
export async function readBodyLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchJsonError('too_large', `response body exceeds ${maxBytes} bytes`, response.status);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchJsonError('too_large', `response body exceeds ${maxBytes} bytes`, response.status);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** GETs a JSON document with a timeout and a size limit; a non-2xx status is an error. */
export async function fetchJson(url: URL | string, options: FetchJsonOptions): Promise<unknown> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal: AbortSignal.timeout(options.timeout),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw new FetchJsonError(
      timedOut ? 'timeout' : 'network',
      timedOut ? `no answer within ${options.timeout} ms` : 'request failed',
      undefined,
      { cause },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FetchJsonError('status', `answered HTTP ${response.status}`, response.status);
  }
  const text = await readBodyLimited(response, options.maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FetchJsonError('not_json', 'answered with a body that is not JSON', response.status, { cause });
  }
}
