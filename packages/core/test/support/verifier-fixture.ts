import { createVerifier } from '../../src/verify/create-verifier.js';
import type { RejectionEvent } from '../../src/verify/rejection-event.js';
import type { Verifier, VerifierOptions } from '../../src/verify/verifier.js';
import {
  Clock,
  FakeIssuer,
  FakeNetwork,
  sign,
  testKeys,
  type FakeIssuerOptions,
  type TestKey,
} from './fake-issuer.js';

export const ISSUER = 'https://id.example/realms/acme';
export const AUDIENCE = 'https://api.example';

export interface Fixture {
  network: FakeNetwork;
  idp: FakeIssuer;
  clock: Clock;
  events: RejectionEvent[];
  verifier: Verifier;
  /** Signs a token valid now for ISSUER/AUDIENCE with `key` (default ec1); claims override, `undefined` drops. */
  mint(claims?: Record<string, unknown>, header?: Record<string, unknown>, key?: TestKey): Promise<string>;
}

/**
 * A verifier on a fake network with one issuer publishing ec1, a pinned clock and a rejection log.
 * `options` override the verifier options (the `fetch`, `now` and `onRejection` defaults included).
 */
export async function fixture(
  options: Partial<VerifierOptions> = {},
  issuerOptions: FakeIssuerOptions = {},
): Promise<Fixture> {
  const keys = await testKeys();
  const network = new FakeNetwork();
  const idp = new FakeIssuer(network, ISSUER, issuerOptions);
  idp.keys = [keys.ec1];
  const clock = new Clock();
  const events: RejectionEvent[] = [];
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    fetch: network.fetch,
    now: clock.now,
    onRejection: (event) => events.push(event),
    ...options,
  });
  const mint: Fixture['mint'] = (claims = {}, header = {}, key = keys.ec1) =>
    sign(
      key,
      {
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'svc-sub',
        client_id: 'svc',
        scope: 'read write',
        iat: clock.seconds,
        exp: clock.seconds + 300,
        ...claims,
      },
      header,
    );
  return { network, idp, clock, events, verifier, mint };
}
