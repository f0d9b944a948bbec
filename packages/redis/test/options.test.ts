import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '@m2m-auth/core';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    const o = resolveOptions(undefined);
    expect(o).toMatchObject({
      prefix: 'm2m-auth:',
      ring: undefined,
      commandTimeout: 250,
      retryInterval: 1000,
      pubsub: true,
      pollInterval: 50,
      fallbackEntries: 1000,
    });
    expect(() => o.onEvent({ type: 'redis_recovered', operation: 'get', downtime: 1 })).not.toThrow();
  });

  it('takes valid options', () => {
    const o = resolveOptions({
      prefix: 'billing:prod:',
      encryptionKey: { id: 'k1', key: randomBytes(32) },
      commandTimeout: 100,
      retryInterval: 5000,
      pubsub: false,
      pollInterval: 20,
      fallbackEntries: 10,
    });
    expect(o.ring).toBeDefined();
    expect(o).toMatchObject({
      prefix: 'billing:prod:',
      commandTimeout: 100,
      pubsub: false,
      fallbackEntries: 10,
    });
  });

  it('refuses bad options with a ConfigurationError that names the option', () => {
    const bad: [unknown, string][] = [
      ['x', 'options must be an object'],
      [{ prefix: '' }, 'prefix must be'],
      [{ prefix: 'a{b' }, 'prefix must be 1 to 100 characters, without braces or whitespace'],
      [{ prefix: 'a b' }, 'prefix must be'],
      [{ prefix: 7 }, 'prefix must be'],
      [{ commandTimeout: 0 }, 'commandTimeout must be a number of milliseconds above 0, at most 60000'],
      [{ commandTimeout: Number.NaN }, 'commandTimeout must be'],
      [{ commandTimeout: '250' }, 'commandTimeout must be'],
      [{ retryInterval: -1 }, 'retryInterval must be'],
      [{ pollInterval: Infinity }, 'pollInterval must be'],
      [{ pubsub: 'yes' }, 'pubsub must be a boolean'],
      [{ onEvent: 'log' }, 'onEvent must be a function'],
      [{ fallbackEntries: 1.5 }, 'fallbackEntries must be a positive integer'],
      [{ encryptionKeys: [] }, 'unknown option encryptionKeys'],
      [{ encryptionKey: { id: 'k1', key: randomBytes(31) } }, 'encryptionKey.key must be 32 bytes'],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveOptions(options as never), message).toThrow(ConfigurationError);
      expect(() => resolveOptions(options as never)).toThrow(message);
    }
  });
});
