/** A token source for outbound tests: hands out tok-1, tok-2, … and records invalidations. */
import type { Token, TokenSource } from '@m2m-auth/core';

export function countingSource(): { source: TokenSource; invalidated: string[] } {
  let n = 1;
  const invalidated: string[] = [];
  const source: TokenSource = {
    getToken: async (): Promise<Token> => ({
      value: `tok-${n}`,
      type: 'Bearer',
      expiresAt: Date.now() + 60_000,
      scope: undefined,
    }),
    invalidate: async (value) => {
      invalidated.push(value);
      if (value === `tok-${n}`) n++;
    },
    close: () => undefined,
  };
  return { source, invalidated };
}
