const UNITS: readonly [string, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/**
 * A duration in words: `4 minutes`, `1 hour`, `0 seconds`; rounded, in the largest unit that fits. A
 * count that rounds up to a whole larger unit is said in that unit (3590 s is `1 hour`, not `60 minutes`).
 */
export function duration(milliseconds: number): string {
  const seconds = Math.round(Math.abs(milliseconds) / 1000);
  for (let i = 0; i < UNITS.length; i++) {
    const [unit, size] = UNITS[i]!;
    if (seconds < size) continue;
    const count = Math.round(seconds / size);
    const larger = UNITS[i - 1];
    if (larger !== undefined && count * size >= larger[1]) return `1 ${larger[0]}`;
    return `${count} ${unit}${count === 1 ? '' : 's'}`;
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
