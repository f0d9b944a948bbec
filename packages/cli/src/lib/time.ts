const UNITS: readonly [string, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** A duration in words: `4 minutes`, `1 hour`, `0 seconds`; rounded, in the largest unit that fits. */
export function duration(milliseconds: number): string {
  const seconds = Math.round(Math.abs(milliseconds) / 1000);
  for (const [unit, size] of UNITS) {
    if (seconds >= size) {
      const count = Math.round(seconds / size);
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return '0 seconds';
}

/** `in 4 minutes` for a future instant, `3 hours ago` for a past one. */
export function relative(at: number, now: number): string {
  return at >= now ? `in ${duration(at - now)}` : `${duration(now - at)} ago`;
}

/** `expires in 4 minutes` or `expired 3 hours ago`. */
export function expiry(at: number, now: number): string {
  return at > now ? `expires in ${duration(at - now)}` : `expired ${duration(now - at)} ago`;
}
