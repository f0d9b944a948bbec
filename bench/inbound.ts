/**
 * Inbound benchmark: requests per second through each middleware against a bare Express route, with keys
 * from a real oidc-provider. Each server runs in its own process; autocannon runs here. Everything listens
 * on 127.0.0.1 and stops by itself.
 *
 * Two loads:
 * - same token: one token reused by every request, as a service calling with its cached token does. The
 *   peers verify the signature every time; m2m-auth's token cache turns all but the first into a lookup.
 * - distinct tokens: a pool of tokens, each used in turn. For this load m2m-auth runs with a `cacheSize`
 *   below the pool size, so that every request misses the cache (an LRU cycled over more entries than it
 *   holds never hits) and pays the full signature check plus the cache insert and eviction. The number of
 *   full verifications is read from the server and printed, so the claim can be checked.
 *
 * `M2M_BENCH_DURATION` (seconds per measurement, default 4) and `M2M_BENCH_CONNECTIONS` (default 32)
 * shorten or widen a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT, importJWK } from 'jose';
import { startOidcProvider, type RunningProvider } from '../test/support/oidc-provider.js';

const AUDIENCE = 'https://tables.example';
const DISTINCT_TOKENS = 2000;
/** m2m-auth's cacheSize for the distinct-token load: below the pool, so every request is a miss. */
const MISS_CACHE_SIZE = DISTINCT_TOKENS / 2;
/** Distinct tokens outside the pool, for the check and the warm-up. */
const PROBE_TOKENS = 200;
/** Seconds of warm-up load on each server before it is measured. */
const WARM_UP_SECONDS = 2;

/** One server to measure, and which loads to run on it. */
interface Variant {
  /** Row label. */
  label: string;
  /** Middleware name understood by inbound-server.ts. */
  middleware: string;
  /** m2m-auth's cacheSize, when not the default. */
  cacheSize?: number;
  same: boolean;
  distinct: boolean;
}

const VARIANTS: Variant[] = [
  { label: 'bare', middleware: 'bare', same: true, distinct: true },
  { label: 'm2m-auth (cache hit)', middleware: 'm2m-auth', same: true, distinct: false },
  {
    label: `m2m-auth (every request a miss)`,
    middleware: 'm2m-auth',
    cacheSize: MISS_CACHE_SIZE,
    same: false,
    distinct: true,
  },
  { label: 'express-oauth2-jwt-bearer', middleware: 'express-oauth2-jwt-bearer', same: true, distinct: true },
  { label: 'express-jwt', middleware: 'express-jwt', same: true, distinct: true },
  { label: 'passport-jwt', middleware: 'passport-jwt', same: true, distinct: true },
];

export interface InboundBenchOptions {
  /** Seconds per measurement. Default is `M2M_BENCH_DURATION`, else 4. */
  duration?: number;
  /** Concurrent connections. Default is `M2M_BENCH_CONNECTIONS`, else 32. */
  connections?: number;
}

export interface InboundRow {
  variant: string;
  /** Requests per second with one token reused, when measured. */
  sameToken: number | undefined;
  /** Requests per second with the pool of distinct tokens, when measured. */
  distinctTokens: number | undefined;
  /** For m2m-auth: full verifications (signature checks) and requests during the distinct load. */
  distinctVerifications?: { verified: number; requests: number };
  errors: number;
}

function fromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function mint(op: RunningProvider, count: number, prefix = 'client'): Promise<string[]> {
  const key = await importJWK(op.signingKey, 'RS256');
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ scope: 'read', client_id: `${prefix}-${i}`, sub: `${prefix}-${i}` })
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: op.signingKey.kid })
        .setIssuer(op.issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(key),
    );
  }
  return tokens;
}

interface Server {
  child: ChildProcess;
  url: string;
}

function startServer(variant: Variant, op: RunningProvider): Promise<Server> {
  const script = fileURLToPath(new URL('./inbound-server.ts', import.meta.url));
  const args = [variant.middleware, op.issuer, AUDIENCE, `${op.issuer}/jwks`];
  if (variant.cacheSize !== undefined) args.push(String(variant.cacheSize));
  const child = fork(script, args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${variant.label} server did not start`)), 20_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve({ child, url: `http://127.0.0.1:${message.port}/v1/tables` });
    });
    child.once('exit', (code) => reject(new Error(`${variant.label} server exited with ${code}`)));
  });
}

/** Full verifications so far, as counted by an m2m-auth server. */
function verifications(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no stats from the server')), 5000);
    server.child.once('message', (message: { verifications: number }) => {
      clearTimeout(timer);
      resolve(message.verifications);
    });
    server.child.send('stats');
  });
}

async function load(url: string, tokens: string[], duration: number, connections: number) {
  let next = 0;
  const result = await autocannon({
    url,
    duration,
    connections,
    requests: [
      {
        setupRequest: (request) => {
          const token = tokens[next++ % tokens.length]!;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

async function check(url: string, token: string, variant: Variant): Promise<void> {
  const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const bad = await fetch(url, { headers: { authorization: `Bearer ${token.slice(0, -6)}AAAAAA` } });
  if (ok.status !== 200 || (variant.middleware !== 'bare' && bad.status !== 401)) {
    throw new Error(`${variant.label}: expected 200/401, got ${ok.status}/${bad.status}`);
  }
}

const cell = (value: number | undefined, width: number, digits = 0) =>
  (value === undefined ? '—' : value.toFixed(digits)).padStart(width);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a / b;

/** Runs the inbound benchmark and prints a table with ratios to the bare route and to the peers. */
export async function runInboundBench(options: InboundBenchOptions = {}): Promise<InboundRow[]> {
  const duration = options.duration ?? fromEnv('M2M_BENCH_DURATION', 4);
  const connections = options.connections ?? fromEnv('M2M_BENCH_CONNECTIONS', 32);
  const op = await startOidcProvider({
    clients: [],
    resources: { [AUDIENCE]: { scopes: ['read'] } },
  });
  const rows: InboundRow[] = [];
  try {
    const tokens = await mint(op, DISTINCT_TOKENS);
    const probes = await mint(op, PROBE_TOKENS, 'probe');
    const same = [tokens[0]!];
    for (const variant of VARIANTS) {
      const server = await startServer(variant, op);
      try {
        // The check and the warm-up use tokens outside the pool, so that they cannot warm the cache for
        // the pool. The warm-up cycles distinct tokens, so that the signature path is warm (JIT, JWKS and
        // discovery caches) for every middleware, m2m-auth's included.
        await check(server.url, probes[0]!, variant);
        await load(server.url, probes, WARM_UP_SECONDS, connections);
        const row: InboundRow = {
          variant: variant.label,
          sameToken: undefined,
          distinctTokens: undefined,
          errors: 0,
        };
        if (variant.same) {
          const a = await load(server.url, same, duration, connections);
          row.sameToken = a.rps;
          row.errors += a.errors;
        }
        if (variant.distinct) {
          const before = variant.middleware === 'm2m-auth' ? await verifications(server) : 0;
          const b = await load(server.url, tokens, duration, connections);
          row.distinctTokens = b.rps;
          row.errors += b.errors;
          if (variant.middleware === 'm2m-auth') {
            row.distinctVerifications = {
              verified: (await verifications(server)) - before,
              requests: b.total,
            };
          }
        }
        rows.push(row);
      } finally {
        server.child.disconnect();
        server.child.kill();
      }
    }
  } finally {
    await op.close();
  }

  const bare = rows.find((r) => r.variant === 'bare')!;
  console.log(
    `\nInbound: requests/s on one Express route (${connections} connections, ${duration} s each, RS256)`,
  );
  console.log('same token: one token reused; m2m-auth answers it from its verified-token cache');
  console.log(
    `distinct: a pool of ${DISTINCT_TOKENS} tokens used in turn; m2m-auth with cacheSize ${MISS_CACHE_SIZE}, so every request is a cache miss and verifies the signature\n`,
  );
  console.log(
    `${'middleware'.padEnd(34)}${'same token'.padStart(12)}${'vs bare'.padStart(9)}${'distinct'.padStart(12)}${'vs bare'.padStart(9)}${'non-2xx'.padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.variant.padEnd(34)}${cell(r.sameToken, 12)}${cell(ratio(r.sameToken, bare.sameToken), 9, 2)}${cell(r.distinctTokens, 12)}${cell(ratio(r.distinctTokens, bare.distinctTokens), 9, 2)}${String(r.errors).padStart(9)}`,
    );
  }
  for (const r of rows) {
    if (r.distinctVerifications) {
      const { verified, requests } = r.distinctVerifications;
      console.log(`${r.variant}: ${verified} full verifications for ${requests} requests (distinct load)`);
    }
  }
  const hit = rows.find((r) => r.variant.startsWith('m2m-auth') && r.sameToken !== undefined);
  const miss = rows.find((r) => r.variant.startsWith('m2m-auth') && r.distinctTokens !== undefined);
  for (const peer of rows.filter((r) => r.variant !== 'bare' && !r.variant.startsWith('m2m-auth'))) {
    console.log(
      `m2m-auth / ${peer.variant}: same token (cache hit) ×${cell(ratio(hit?.sameToken, peer.sameToken), 0, 2)}, distinct (every request a miss) ×${cell(ratio(miss?.distinctTokens, peer.distinctTokens), 0, 2)}`,
    );
  }
  return rows;
}
