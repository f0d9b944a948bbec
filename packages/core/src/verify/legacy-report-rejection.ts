import type { AuthError } from '../errors.js';
import type { Principal } from '../principal/principal.js';

// Transitional, until the merge of issue 8 deletes this file: `reportRejection` has left the `Verifier`
// interface (core reports through `reportRejection(verifier, …)` from `./report.ts`), but the callers
// of the other workstreams (`authenticate`, Express `requireAuth`, the Nest guard) still call the
// method on their `Verifier`. This augmentation keeps them compiling; `createVerifier` keeps the method
// on the object it returns. Deleting this file names every caller left.
declare module './verifier.js' {
  interface Verifier {
    /**
     * Reports a rejection to the `onRejection` hook.
     *
     * @deprecated Core reports rejections itself; use core's authorization step. Leaves with the
     *   merge of issue 8.
     */
    reportRejection(error: AuthError, principal?: Principal): void;
  }
}
