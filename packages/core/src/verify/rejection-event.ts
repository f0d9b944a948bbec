import type { AuthError } from '../errors.js';
import type { Principal } from '../principal/principal.js';

/** What the rejection hook receives: never the token. */
export interface RejectionEvent {
  code: AuthError['code'];
  reason: AuthError['reason'];
  status: number;
  description: string;
  /** The token's issuer, when it was readable and accepted. */
  issuer?: string;
  /** The token's client, when it was verified (authorization failures). */
  clientId?: string;
}

/**
 * Reports one rejection: the error, the principal when the token was verified (authorization failures),
 * else the token's issuer when it was accepted.
 */
export type RejectionHook = (error: AuthError, principal?: Principal, issuer?: string) => void;

const ignore: RejectionHook = () => undefined;

/**
 * The verifier's side of `onRejection`: builds the {@link RejectionEvent} of each rejection and hands it
 * to `onRejection`, swallowing whatever the hook throws (a failing logger must not change the outcome).
 * Without a hook, rejections are not reported.
 */
export function rejectionHook(onRejection: ((event: RejectionEvent) => void) | undefined): RejectionHook {
  if (!onRejection) return ignore;
  return (error, principal, issuer) => {
    const event: RejectionEvent = {
      code: error.code,
      reason: error.reason,
      status: error.status,
      description: error.description,
    };
    const iss = principal?.issuer ?? issuer;
    if (iss !== undefined) event.issuer = iss;
    if (principal?.clientId !== undefined) event.clientId = principal.clientId;
    try {
      onRejection(event);
    } catch {
      // A failing logger must not change the outcome.
    }
  };
}
