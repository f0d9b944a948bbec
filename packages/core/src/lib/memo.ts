/**
 * Two ways of sharing one pending promise between callers, written once here.
 */

/**
 * `task`, run once and its result kept; after a rejection the next call runs it again (a failed
 * discovery or secret lookup is retried, a successful one never repeated).
 */
export function memoizeUntilRejected<T>(task: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending) return pending;
    const current = task();
    pending = current;
    current.catch(() => {
      if (pending === current) pending = undefined;
    });
    return current;
  };
}

/**
 * `task`, shared by every caller while it runs (single flight); once it settles, the next call runs it
 * anew.
 */
export function singleFlight<T>(task: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= task().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
