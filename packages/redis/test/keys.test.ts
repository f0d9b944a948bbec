import { entryNames } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';

const key = 'm2m-auth:cc:3f1c0d5e9a7b';

/** The hash tag Redis Cluster hashes: what is between the first `{` and the next `}`. */
function hashTag(name: string): string {
  const open = name.indexOf('{');
  return name.slice(open + 1, name.indexOf('}', open));
}

describe('entryNames', () => {
  it('names the entry, its lock and its channel under the prefix, with one hash tag: the cache key', () => {
    expect(entryNames('billing:', key)).toEqual({
      token: `billing:{${key}}:token`,
      lock: `billing:{${key}}:lock`,
      channel: `billing:{${key}}:changed`,
    });
  });

  it('keeps the three in one cluster slot', () => {
    const names = entryNames('p:', key);
    expect(new Set([names.token, names.lock, names.channel].map(hashTag))).toEqual(new Set([key]));
  });

  it('hashes a cache key that could not serve as a hash tag as it is', () => {
    for (const odd of ['a}b', 'with space', 'x'.repeat(300), '']) {
      const names = entryNames('p:', odd);
      expect(hashTag(names.token)).toMatch(/^h:[0-9a-f]{64}$/);
      expect(hashTag(names.lock)).toBe(hashTag(names.token));
      expect(names.token).not.toContain(odd || '\u0000');
    }
    expect(entryNames('p:', 'a}b').token).not.toBe(entryNames('p:', 'a{b').token);
  });
});
