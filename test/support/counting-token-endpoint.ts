/**
 * A tiny client-credentials token endpoint on 127.0.0.1 that counts what it is asked. Each token names
 * its own expiry (`t.<expiry ms>.<n>`), so a caller can check a token against the endpoint's clock
 * rather than trust the cache that handed it out.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequestRecord {
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** The `x-replica` header the replica sent, if any. */
  replica: string | undefined;
  /** The token it was answered with (none while held, or when the connection closed first). */
  token: string | undefined;
}

export interface CountingTokenEndpoint {
  /** `http://127.0.0.1:<port>/token` */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: readonly TokenRequestRecord[];
  /** Requests that arrived in `[from, to)` (ms since the epoch). */
  countBetween(from: number, to?: number): number;
  /** The next `n` requests get no answer until `release()` (or until the caller gives up). */
  hold(n: number): void;
  /** Answers every held request. */
  release(): void;
  /** Resolves when `n` requests have arrived in all. */
  waitForRequests(n: number, timeout?: number): Promise<void>;
  close(): Promise<void>;
}

export interface CountingTokenEndpointOptions {
  /** Token lifetime in seconds (`expires_in`). Default is 2. */
  lifetime?: number;
}

/** The expiry a token of this endpoint names (ms since the epoch), or `NaN`. */
export function tokenExpiry(token: string): number {
  const [, expiry] = token.split('.');
  return Number(expiry);
}

/**
 * Starts the endpoint on a free loopback port.
 *
 * @example
 * ```ts
 * const endpoint = await startCountingTokenEndpoint({ lifetime: 2 });
 * expect(endpoint.countBetween(start)).toBeLessThanOrEqual(3);
 * ```
 */
export async function startCountingTokenEndpoint(
  options: CountingTokenEndpointOptions = {},
): Promise<CountingTokenEndpoint> {
  const lifetime = options.lifetime ?? 2;
  const requests: TokenRequestRecord[] = [];
  const held: (() => void)[] = [];
  const arrivals = new Set<() => void>();
  let holdNext = 0;
  const answer = (record: TokenRequestRecord, res: ServerResponse) => {
    if (res.destroyed) return;
    const issued = Date.now();
    record.token = `t.${issued + lifetime * 1000}.${requests.indexOf(record) + 1}`;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ access_token: record.token, token_type: 'Bearer', expires_in: lifetime }));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405);
        res.end();
        return;
      }
      const replica = req.headers['x-replica'];
      const record: TokenRequestRecord = {
        at: Date.now(),
        replica: typeof replica === 'string' ? replica : undefined,
        token: undefined,
      };
      requests.push(record);
      for (const arrived of arrivals) arrived();
      if (holdNext > 0) {
        holdNext--;
        held.push(() => answer(record, res));
      } else answer(record, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    countBetween: (from, to = Number.POSITIVE_INFINITY) =>
      requests.filter((r) => r.at >= from && r.at < to).length,
    hold(n) {
      holdNext = n;
    },
    release() {
      holdNext = 0;
      held.splice(0).forEach((answerNow) => answerNow());
    },
    waitForRequests(n, timeout = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < n) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${n} token requests within ${timeout} ms, got ${requests.length}`));
        }, timeout);
        const cleanup = () => {
          clearTimeout(timer);
          arrivals.delete(check);
        };
        arrivals.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        holdNext = 0;
        held.splice(0);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
