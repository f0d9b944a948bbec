/** Longest cooldown honoured from a `Retry-After` header (in milliseconds): 5 minutes. */
export const MAX_RETRY_AFTER = 300_000;

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into a delay in milliseconds from
 * `now`, capped at {@link MAX_RETRY_AFTER}. `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  let delay: number;
  if (/^\d+$/.test(trimmed)) {
    delay = Number(trimmed) * 1000;
  } else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    delay = date - now;
  }
  return Math.min(MAX_RETRY_AFTER, Math.max(0, delay));
}
