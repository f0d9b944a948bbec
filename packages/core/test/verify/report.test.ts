import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import type { Principal } from '../../src/principal/principal.js';
import { REPORT, reportRejection } from '../../src/verify/report.js';
import type { Verifier } from '../../src/verify/verifier.js';
import { AUDIENCE, ISSUER, fixture } from '../support/verifier-fixture.js';

const scopeMissing = () =>
  new AuthError('insufficient_scope', 'missing scope admin', { reason: 'scope_missing' });

describe('reportRejection', () => {
  it('reportRejection forwards adapter-level rejections with the principal’s issuer and client', async () => {
    const { verifier, mint, events } = await fixture();
    const principal = await verifier.verify(await mint());
    reportRejection(verifier, scopeMissing(), principal);
    expect(events).toEqual([
      {
        code: 'insufficient_scope',
        reason: 'scope_missing',
        status: 403,
        description: 'missing scope admin',
        issuer: ISSUER,
        clientId: 'svc',
      },
    ]);
  });

  it('without a principal, reports the rejection alone (a missing token names no issuer)', async () => {
    const { verifier, events } = await fixture();
    reportRejection(verifier, new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' }));
    expect(events).toEqual([
      { code: 'invalid_token', reason: 'token_missing', status: 401, description: 'no bearer token' },
    ]);
  });

  it('reaches the hook through the REPORT key, not through the public interface', async () => {
    const { verifier } = await fixture();
    expect(typeof (verifier as unknown as Record<symbol, unknown>)[REPORT]).toBe('function');
    const seen: unknown[] = [];
    const byHand = {
      ...verifier,
      [REPORT]: (error: AuthError, principal?: Principal) => seen.push([error.reason, principal]),
    };
    reportRejection(byHand, scopeMissing());
    expect(seen).toEqual([['scope_missing', undefined]]);
  });

  it('a verifier built by hand, without the hook, reports nothing and does not throw', () => {
    const verifier: Verifier = {
      issuers: [ISSUER],
      audiences: [AUDIENCE],
      verify: () => Promise.reject(new Error('not used')),
    };
    expect(() => reportRejection(verifier, scopeMissing())).not.toThrow();
  });

  it('a verifier without onRejection reports nothing', async () => {
    const { verifier, events } = await fixture({ onRejection: undefined });
    expect(() => reportRejection(verifier, scopeMissing())).not.toThrow();
    expect(events).toEqual([]);
  });
});
