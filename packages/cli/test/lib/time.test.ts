import { describe, expect, it } from 'vitest';
import { duration, expiry, relative } from '../../src/lib/time.js';

describe('time in words', () => {
  it('uses the largest unit that fits, rounded, singular for one', () => {
    expect(duration(0)).toBe('0 seconds');
    expect(duration(1000)).toBe('1 second');
    expect(duration(59_000)).toBe('59 seconds');
    expect(duration(60_000)).toBe('1 minute');
    expect(duration(240_000)).toBe('4 minutes');
    expect(duration(299_000)).toBe('5 minutes');
    expect(duration(3 * 3_600_000)).toBe('3 hours');
    expect(duration(2 * 86_400_000)).toBe('2 days');
    expect(duration(-90_000)).toBe('2 minutes');
  });

  it('says a count that rounds up to the next unit in that unit', () => {
    expect(duration(3_590_000)).toBe('1 hour');
    expect(duration(3_569_000)).toBe('59 minutes');
    expect(duration(59_600)).toBe('1 minute');
    expect(duration(86_000_000)).toBe('1 day');
    expect(duration(-3_590_000)).toBe('1 hour');
  });

  it('says expires in … or expired … ago', () => {
    const now = 1_800_000_000_000;
    expect(expiry(now + 240_000, now)).toBe('expires in 4 minutes');
    expect(expiry(now - 3 * 3_600_000, now)).toBe('expired 3 hours ago');
    expect(expiry(now, now)).toBe('expired 0 seconds ago');
    expect(relative(now + 60_000, now)).toBe('in 1 minute');
    expect(relative(now - 5_000, now)).toBe('5 seconds ago');
  });
});
