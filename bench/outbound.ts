/**
 * Outbound benchmark: 10,000 calls to a local API through `authFetch` (cached, refreshed tokens), beside
 * a naive client that fetches a token for every call, and a baseline without any token. Reports the
 * token-endpoint requests and the latency each client adds per call over the baseline.
 *
 * Both servers are node:http on 127.0.0.1; the token endpoint answers at once, which is the naive
 * client's best case (real endpoints take milliseconds to hundreds of milliseconds).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authFetch, ClientCredentials } from '@m2m-auth/core';

const CALLS = 10_000;
/** The client secret, made for this run (the token endpoint here is the bench's own). */
const SECRET = randomBytes(18).toString('base64url');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function time(label: string, call: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const res = await call();
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
    await res.arrayBuffer();
  }
  return performance.now() - started;
}

export async function runOutboundBench(): Promise<void> {
  let tokenRequests = 0;
  let serial = 0;
  const tokenServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      tokenRequests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `tok-${++serial}`, token_type: 'Bearer', expires_in: 300 }));
    });
  });
  const apiServer = createServer((req, res) => {
    res.writeHead(req.headers.authorization?.startsWith('Bearer tok-') ? 200 : 401, {
      'content-type': 'application/json',
    });
    res.end('{"tables":[]}');
  });
  const tokenOrigin = await listen(tokenServer);
  const api = await listen(apiServer);
  const tokenEndpoint = `${tokenOrigin}/token`;
  const url = `${api}/v1/projects/45c0/tables`;

  try {
    // Warm-up (connections, JIT).
    for (let i = 0; i < 500; i++)
      await (await fetch(url, { headers: { authorization: 'Bearer tok-0' } })).text();

    const baseline = await time('baseline', () => fetch(url, { headers: { authorization: 'Bearer tok-0' } }));

    tokenRequests = 0;
    const source = new ClientCredentials({ tokenEndpoint, clientId: 'bench', clientSecret: SECRET });
    const client = authFetch(source, { origins: [api] });
    const cached = await time('authFetch', () => client(url));
    const cachedRequests = tokenRequests;
    source.close();

    tokenRequests = 0;
    const naive = await time('naive', async () => {
      const tokenResponse = await fetch(tokenEndpoint, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'bench',
          client_secret: SECRET,
        }),
      });
      const { access_token } = (await tokenResponse.json()) as { access_token: string };
      return fetch(url, { headers: { authorization: `Bearer ${access_token}` } });
    });
    const naiveRequests = tokenRequests;

    const perCall = (ms: number) => ((ms - baseline) / CALLS) * 1000;
    console.log(`\nOutbound: ${CALLS.toLocaleString('en-US')} sequential calls to a local API (127.0.0.1)`);
    console.table([
      {
        client: 'no token (baseline)',
        'token requests': 0,
        'total (ms)': Math.round(baseline),
        'per call (µs)': Math.round((baseline / CALLS) * 1000),
        'added per call (µs)': 0,
      },
      {
        client: 'authFetch + ClientCredentials',
        'token requests': cachedRequests,
        'total (ms)': Math.round(cached),
        'per call (µs)': Math.round((cached / CALLS) * 1000),
        'added per call (µs)': Math.round(perCall(cached)),
      },
      {
        client: 'naive (token per call)',
        'token requests': naiveRequests,
        'total (ms)': Math.round(naive),
        'per call (µs)': Math.round((naive / CALLS) * 1000),
        'added per call (µs)': Math.round(perCall(naive)),
      },
    ]);
    console.log(
      `naive / authFetch: ×${(naiveRequests / Math.max(1, cachedRequests)).toFixed(0)} token requests, ` +
        `×${(perCall(naive) / Math.max(1, perCall(cached))).toFixed(1)} added latency per call`,
    );
  } finally {
    await close(apiServer);
    await close(tokenServer);
  }
}
