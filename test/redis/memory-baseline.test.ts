/**
 * The same fleet without a shared store (each replica on its own memory store): what the Redis store
 * saves. It also shows that the fleet suite's count would catch a store that does not share.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  startCountingTokenEndpoint,
  type CountingTokenEndpoint,
} from '../support/counting-token-endpoint.js';
import { CALLERS, expectServedWell, LIFETIME, PAUSE, REPLICAS } from './fleet-suite.js';
import { startFleet, type Fleet } from './fleet.js';

let fleet: Fleet;
let endpoint: CountingTokenEndpoint;

beforeAll(async () => {
  [fleet, endpoint] = await Promise.all([
    startFleet(REPLICAS),
    startCountingTokenEndpoint({ lifetime: LIFETIME }),
  ]);
});
afterAll(async () => {
  await fleet?.stop();
  await endpoint?.close();
});

it(
  `without Redis, ${REPLICAS} replicas ask the token endpoint ${REPLICAS}× as often`,
  { timeout: 30_000 },
  async () => {
    const lifetimes = 2;
    const started = Date.now();
    const results = await fleet.run(lifetimes * LIFETIME * 1000, {
      client: 'memory',
      redisUrl: '',
      tokenEndpoint: endpoint.url,
      clientId: 'alone',
      prefix: 'unused:',
      callers: CALLERS,
      pause: PAUSE,
    }).done;
    expectServedWell(results, REPLICAS);
    const requests = endpoint.countBetween(started);
    console.info(
      `memory store: ${requests} token requests in ${lifetimes} lifetimes (${(requests / lifetimes).toFixed(2)} per lifetime)`,
    );
    expect(requests).toBeGreaterThanOrEqual(REPLICAS * lifetimes);
    for (const id of fleet.ids) {
      expect(endpoint.requests.filter((r) => r.replica === String(id)).length).toBeGreaterThanOrEqual(
        lifetimes,
      );
    }
  },
);
