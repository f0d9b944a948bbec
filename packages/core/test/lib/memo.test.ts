import { describe, expect, it } from 'vitest';
import { memoizeUntilRejected, singleFlight } from '../../src/lib/memo.js';

describe('memoizeUntilRejected', () => {
  it('runs the task once while it succeeds', async () => {
    let runs = 0;
    const get = memoizeUntilRejected(async () => ++runs);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    expect(await get()).toBe(1);
    expect(runs).toBe(1);
  });

  it('runs it again after a rejection', async () => {
    let runs = 0;
    const get = memoizeUntilRejected(async () => {
      runs++;
      if (runs === 1) throw new Error('down');
      return runs;
    });
    await expect(get()).rejects.toThrow('down');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
  });
});

describe('singleFlight', () => {
  it('shares a running task and starts a new one once it settled', async () => {
    let runs = 0;
    const run = singleFlight(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ++runs;
    });
    expect(await Promise.all([run(), run(), run()])).toEqual([1, 1, 1]);
    expect(await run()).toBe(2);
  });

  it('lets a rejection reach every caller of that flight, then runs again', async () => {
    let runs = 0;
    const run = singleFlight(async () => {
      runs++;
      throw new Error(`fail ${runs}`);
    });
    const [a, b] = await Promise.allSettled([run(), run()]);
    expect(a).toEqual(b);
    await expect(run()).rejects.toThrow('fail 2');
  });
});
