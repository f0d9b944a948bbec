import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue } from '../lib/json.js';

/** An error answered as RFC 6749 JSON (`{ error, error_description }`). */
export class OAuthHttpError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'OAuthHttpError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

const MAX_BODY = 1024 * 1024;

/** Reads the request body as text (at most 1 MiB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new OAuthHttpError(413, 'invalid_request', 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads an `application/x-www-form-urlencoded` body. Repeated parameters are refused (RFC 6749 §3.2),
 * except those named in `repeatable`.
 */
export async function readForm(
  req: IncomingMessage,
  repeatable: readonly string[] = [],
): Promise<URLSearchParams> {
  if (req.method !== 'POST') {
    throw new OAuthHttpError(405, 'invalid_request', 'use POST', { allow: 'POST' });
  }
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    throw new OAuthHttpError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(await readBody(req));
  const seen = new Set<string>();
  for (const key of form.keys()) {
    if (seen.has(key) && !repeatable.includes(key)) {
      throw new OAuthHttpError(400, 'invalid_request', `parameter '${key}' is repeated`);
    }
    seen.add(key);
  }
  return form;
}

/** Reads a JSON body (an empty body reads as `undefined`). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return undefined;
  if (mediaType(req) !== 'application/json') {
    throw new OAuthHttpError(415, 'invalid_request', 'the body must be application/json');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OAuthHttpError(400, 'invalid_request', 'the body is not valid JSON');
  }
}

/** Sends `body` as JSON (a string as `text/plain`), with `Cache-Control: no-store`. */
export function send(
  res: ServerResponse,
  status: number,
  body: JsonValue | undefined,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...(body === undefined
      ? {}
      : {
          'content-type':
            typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        }),
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends an RFC 6749 error. */
export function sendError(res: ServerResponse, error: OAuthHttpError): void {
  send(res, error.status, { error: error.error, error_description: error.message }, error.headers);
}
