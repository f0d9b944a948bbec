/**
 * Inbound benchmark: requests per second through each middleware against a bare Express route, for the
 * same token reused and for distinct tokens, with keys from a real oidc-provider. Each server runs in its
 * own process; autocannon runs here. Everything listens on 127.0.0.1 and stops by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT, importJWK } from 'jose';
import { startOidcProvider, type RunningProvider } from '../test/support/oidc-provider.js';

const AUDIENCE = 'https://tables.example';
const VARIANTS = ['bare', 'm2m-auth', 'express-oauth2-jwt-bearer', 'express-jwt', 'passport-jwt'] as const;
const DISTINCT_TOKENS = 2000;

export interface InboundBenchOptions {
  /** Seconds per measurement. Default is 4. */
  duration?: number;
  /** Concurrent connections. Default is 32. */
  connections?: number;
}

interface Row {
  variant: string;
  sameToken: number;
  distinctTokens: number;
  errors: number;
}

async function mint(op: RunningProvider, count: number): Promise<string[]> {
  const key = await importJWK(op.signingKey, 'RS256');
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ scope: 'read', client_id: `client-${i}`, sub: `client-${i}` })
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

function startServer(variant: string, op: RunningProvider): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./inbound-server.ts', import.meta.url));
  const child = fork(script, [variant, op.issuer, AUDIENCE, `${op.issuer}/jwks`], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${variant} server did not start`)), 20_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve({ child, url: `http://127.0.0.1:${message.port}/v1/tables` });
    });
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
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
  return { rps: result.requests.average, errors: result.non2xx + result.errors + result.timeouts };
}

async function check(url: string, token: string, variant: string): Promise<void> {
  const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const bad = await fetch(url, { headers: { authorization: `Bearer ${token.slice(0, -6)}AAAAAA` } });
  if (ok.status !== 200 || (variant !== 'bare' && bad.status !== 401)) {
    throw new Error(`${variant}: expected 200/401, got ${ok.status}/${bad.status}`);
  }
}

/** Runs the inbound benchmark and prints a table with ratios to the bare route. */
export async function runInboundBench(options: InboundBenchOptions = {}): Promise<Row[]> {
  const duration = options.duration ?? 4;
  const connections = options.connections ?? 32;
  const op = await startOidcProvider({
    clients: [],
    resources: { [AUDIENCE]: { scopes: ['read'] } },
  });
  const rows: Row[] = [];
  try {
    const tokens = await mint(op, DISTINCT_TOKENS);
    const same = [tokens[0]!];
    for (const variant of VARIANTS) {
      const { child, url } = await startServer(variant, op);
      try {
        await check(url, tokens[0]!, variant);
        await load(url, same, 1, connections); // warm-up: JIT, JWKS and discovery caches
        const a = await load(url, same, duration, connections);
        const b = await load(url, tokens, duration, connections);
        rows.push({ variant, sameToken: a.rps, distinctTokens: b.rps, errors: a.errors + b.errors });
      } finally {
        child.disconnect();
        child.kill();
      }
    }
  } finally {
    await op.close();
  }

  const bare = rows.find((r) => r.variant === 'bare')!;
  console.log(
    `\nInbound: requests/s on one Express route (${connections} connections, ${duration} s each, RS256)`,
  );
  console.log(`distinct tokens: a pool of ${DISTINCT_TOKENS}, each used in turn\n`);
  console.log(
    `${'middleware'.padEnd(28)}${'same token'.padStart(12)}${'vs bare'.padStart(9)}${'distinct'.padStart(12)}${'vs bare'.padStart(9)}${'non-2xx'.padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.variant.padEnd(28)}${r.sameToken.toFixed(0).padStart(12)}${(r.sameToken / bare.sameToken).toFixed(2).padStart(9)}${r.distinctTokens.toFixed(0).padStart(12)}${(r.distinctTokens / bare.distinctTokens).toFixed(2).padStart(9)}${String(r.errors).padStart(9)}`,
    );
  }
  const ours = rows.find((r) => r.variant === 'm2m-auth')!;
  for (const peer of rows.filter((r) => r.variant !== 'bare' && r.variant !== 'm2m-auth')) {
    console.log(
      `m2m-auth / ${peer.variant}: same token ×${(ours.sameToken / peer.sameToken).toFixed(2)}, distinct ×${(ours.distinctTokens / peer.distinctTokens).toFixed(2)}`,
    );
  }
  return rows;
}
