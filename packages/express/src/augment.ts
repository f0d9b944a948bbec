import type { Principal } from '@m2m-auth/core';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller, set by `requireAuth` (undefined for an anonymous optional request). */
      auth?: Principal;
    }
  }
}

export {};
