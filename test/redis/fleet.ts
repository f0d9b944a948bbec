/**
 * A fleet of replica processes (`fixtures/replica.mjs`, on the built packages): started once, then run
 * together as often as needed, each run with its own token endpoint, client library and cache key.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ReplicaClient = 'node-redis' | 'ioredis' | 'memory';

/** What one run of the fleet uses. */
export interface RunOptions {
  client: ReplicaClient;
  redisUrl: string;
  tokenEndpoint: string;
  /** Names the cache key: each run its own. */
  clientId: string;
  prefix: string;
  /** Concurrent callers per replica. */
  callers: number;
  /** Pause between two calls of a caller (in milliseconds). */
  pause: number;
  /** Hex of a 32-byte key: entries encrypted. */
  encryptionKey?: string;
}

export interface ReplicaStats {
  id: number;
  calls: number;
  failures: Record<string, number>;
  expired: number;
  slow: number;
  maxLatency: number;
  firstTokenAt: number | undefined;
  tokens: Record<string, number>;
}

export interface ReplicaEvent {
  type: string;
  reason?: string;
  operation?: string;
  at: number;
}

export interface ReplicaResult {
  stats: ReplicaStats;
  events: ReplicaEvent[];
}

export interface FleetRun {
  /** The cache key of the run's source, once the first replica has built it. */
  cacheKey: Promise<string>;
  /** The result of each replica that finished the run (a killed one does not). */
  done: Promise<ReplicaResult[]>;
}

export interface Fleet {
  readonly ids: readonly number[];
  /** Runs every live replica for `duration` ms. */
  run(duration: number, options: RunOptions): FleetRun;
  /** Kills a replica with SIGKILL; resolves when it is gone. */
  kill(id: number): Promise<void>;
  /** Ends every replica. */
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./fixtures/replica.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../packages/redis/dist/index.js', import.meta.url));

/** A fresh random 32-byte key, hex. */
export function randomKeyHex(): string {
  return randomBytes(32).toString('hex');
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function gone(child: ChildProcess): Promise<void> {
  if (!alive(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function startReplica(id: number): Promise<ChildProcess> {
  const child = fork(script, [], {
    env: { ...process.env, M2M_REPLICA_ID: String(id) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`replica ${id} not ready within 10 s`));
    }, 10_000);
    const exited = (code: number | null) => reject(new Error(`replica ${id} exited (${code}) before ready`));
    child.once('exit', exited);
    child.once('message', (message: { type?: string }) => {
      clearTimeout(timer);
      child.off('exit', exited);
      if (message.type === 'ready') resolve(child);
      else reject(new Error(`replica ${id}: ${JSON.stringify(message)}`));
    });
  });
}

/** One run of one replica: its cache key when started, its result when done (none if it died). */
function runReplica(child: ChildProcess, until: number, options: RunOptions) {
  let started: (key: string) => void = () => undefined;
  const cacheKey = new Promise<string>((resolve) => (started = resolve));
  const done = new Promise<ReplicaResult | undefined>((resolve) => {
    if (!alive(child)) return resolve(undefined);
    const finish = (result: ReplicaResult | undefined) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(result);
    };
    const onMessage = (message: { type?: string; cacheKey?: string; message?: string } & ReplicaResult) => {
      if (message.type === 'started') started(String(message.cacheKey));
      if (message.type === 'result') finish({ stats: message.stats, events: message.events });
      if (message.type === 'error') {
        console.error(`replica run failed: ${message.message}`);
        finish(undefined);
      }
    };
    const onExit = () => finish(undefined);
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        finish(undefined);
      },
      until - Date.now() + 15_000,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'go', until, run: options });
  });
  return { cacheKey, done };
}

/**
 * Starts `size` replica processes (ids 1 to `size`) and waits until each is ready.
 *
 * @example
 * ```ts
 * const fleet = await startFleet(4);
 * const { done } = fleet.run(6000, { client: 'ioredis', redisUrl, tokenEndpoint, clientId: 'a', prefix: 'p:', callers: 200, pause: 25 });
 * const results = await done;
 * ```
 */
export async function startFleet(size: number): Promise<Fleet> {
  if (!existsSync(built)) throw new Error('packages/redis is not built: run `pnpm build` first');
  const ids = Array.from({ length: size }, (_, i) => i + 1);
  const started = await Promise.allSettled(ids.map((id) => startReplica(id)));
  const children = new Map<number, ChildProcess>();
  started.forEach((s, i) => s.status === 'fulfilled' && children.set(ids[i]!, s.value));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const fleet: Fleet = {
    ids,
    run(duration, options) {
      const until = Date.now() + duration;
      const runs = [...children.values()].filter(alive).map((child) => runReplica(child, until, options));
      return {
        cacheKey: Promise.race(runs.map((r) => r.cacheKey)),
        done: Promise.all(runs.map((r) => r.done)).then((all) =>
          all.filter((r): r is ReplicaResult => r !== undefined),
        ),
      };
    },
    async kill(id) {
      const child = children.get(id);
      if (!child) throw new Error(`no replica ${id}`);
      child.kill('SIGKILL');
      await gone(child);
    },
    async stop() {
      await Promise.all(
        [...children.values()].map((child) => {
          if (alive(child)) child.kill('SIGKILL');
          return gone(child);
        }),
      );
    },
  };
  if (failed) {
    await fleet.stop();
    throw failed.reason;
  }
  return fleet;
}
