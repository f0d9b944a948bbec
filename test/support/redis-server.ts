/**
 * A real `redis-server` for tests: started on a free 127.0.0.1 port with nothing persisted, stopped
 * afterwards. Faults on demand: `pause()`/`resume()` (SIGSTOP/SIGCONT: connections stay open, nothing
 * answers), `kill()` (SIGKILL: connections refused) and `restart()` (same port, empty data set).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisClientLike } from '@m2m-auth/redis';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops answering (SIGSTOP); connections stay open. */
  pause(): void;
  /** Answers again (SIGCONT). */
  resume(): void;
  /** Dies at once (SIGKILL); resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port, with an empty data set. */
  restart(): Promise<void>;
  /** Sends one command over a fresh connection (RESP), resolves with the raw reply. */
  command(...args: string[]): Promise<string>;
  /** Stops the server (after `resume()` if paused) and removes its folder. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, such as `['--cluster-enabled', 'yes']`. */
  args?: string[];
}

const START_TIMEOUT = 10_000;

/** Whether `redis-server` can be run here (`.ci/run` installs it when missing). */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', ...extra);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // A test process that ends without stopping it (a crash, a timeout) takes it along.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  child.once('exit', () => process.off('exit', orphaned));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + START_TIMEOUT;
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} ${why}${stderr ? `: ${stderr.trim()}` : ''}`));
    };
    child.once('error', (err) => reject(err));
    child.once('exit', () => fail('exited'));
    const probe = () => {
      void ping(port).then((ok) => {
        if (child.exitCode !== null) return;
        if (ok) {
          child.removeAllListeners('exit');
          resolve(child);
        } else if (Date.now() > deadline) fail('did not start');
        else setTimeout(probe, 20);
      });
    };
    probe();
  });
}

async function ping(port: number): Promise<boolean> {
  try {
    return (await send(port, ['PING'])).startsWith('+PONG');
  } catch {
    return false;
  }
}

/** One RESP command over a new connection; the first reply, raw. Bounded by 2 s. */
function send(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('redis command timed out'));
    }, 2000);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (complete(reply)) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.connect(port, '127.0.0.1', () => {
      let out = `*${args.length}\r\n`;
      for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      socket.write(out);
    });
  });
}

/** Whether `reply` holds one whole simple reply (status, error, integer, bulk string). */
function complete(reply: string): boolean {
  const end = reply.indexOf('\r\n');
  if (end < 0) return false;
  if (reply[0] !== '$') return true;
  const length = Number(reply.slice(1, end));
  return length < 0 || reply.length >= end + 2 + length + 2;
}

/**
 * Starts `redis-server` on a free loopback port.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * afterAll(() => redis.stop());
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (!hasRedisServer()) {
    throw new Error(
      'redis-server not found: install it (Debian: apt-get install redis-server), as .ci/run does',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'm2m-redis-'));
  const extra = options.args ?? [];
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir, extra);
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
  let current: ChildProcess = child;
  let paused = false;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause() {
      current.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      current.kill('SIGCONT');
      paused = false;
    },
    async kill() {
      current.kill('SIGKILL');
      paused = false;
      await exited(current);
    },
    async restart() {
      if (current.exitCode === null && current.signalCode === null) await server.kill();
      rmSync(join(dir, 'nodes.conf'), { force: true });
      current = await launch(port, dir, extra);
    },
    command: (...args) => send(port, args),
    async stop() {
      if (paused) server.resume();
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 3000);
      await exited(current);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** The two client libraries the store supports. */
export type ClientKind = 'node-redis' | 'ioredis';

export const CLIENT_KINDS: readonly ClientKind[] = ['node-redis', 'ioredis'];

export interface ConnectedClient {
  client: RedisClientLike;
  close(): Promise<void>;
}

/**
 * Connects a client of `kind` to `url`, reconnecting every 100 ms when the connection drops.
 *
 * @example
 * ```ts
 * const { client, close } = await connectRedisClient('ioredis', redis.url);
 * ```
 */
export async function connectRedisClient(kind: ClientKind, url: string): Promise<ConnectedClient> {
  if (kind === 'ioredis') {
    const client = new Redis(url, { retryStrategy: () => 100, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    return { client, close: async () => client.disconnect() };
  }
  const client = createClient({ url, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => undefined);
  await client.connect();
  return { client, close: async () => client.destroy() };
}
