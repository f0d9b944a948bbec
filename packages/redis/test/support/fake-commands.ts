import type { RedisCommands } from '@m2m-auth/redis';

/** Records the commands sent through it, and answers each with `answer` (a value, a throw, a hang). */
export interface FakeCommands extends RedisCommands {
  readonly sent: string[][];
  readonly signals: AbortSignal[];
}

/** `RedisCommands` whose replies come from `answer`: unit tests of what the store does with a reply. */
export function fakeCommands(answer: (args: readonly string[]) => unknown): FakeCommands {
  const sent: string[][] = [];
  const signals: AbortSignal[] = [];
  return {
    sent,
    signals,
    send(args, { signal }) {
      sent.push([...args]);
      signals.push(signal);
      return Promise.resolve().then(() => answer(args));
    },
  };
}

/** A promise that never settles: a Redis that does not answer. */
export const never = () => new Promise<never>(() => undefined);
