import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import type { Principal } from '../../src/principal/principal.js';
import { REPORT, reportRejection, type Verifier } from '../../src/verify/report.js';
import { fixture } from '../support/verifier-fixture.js';

const base: Verifier = {
  issuers: ['https://id.example'],
  audiences: ['api'],
  verify: () => Promise.reject(new Error('not used')),
};
const missing = new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
const principal = { issuer: 'https://id.example', clientId: 'svc' } as Principal;

describe('reportRejection', () => {
  it('calls the REPORT hook with the error and the principal', () => {
    const seen: unknown[][] = [];
    const verifier = { ...base, [REPORT]: (...args: unknown[]) => seen.push(args) };
    reportRejection(verifier, missing, principal);
    reportRejection(verifier, missing);
    expect(seen).toEqual([
      [missing, principal],
      [missing, undefined],
    ]);
  });

  it('reports nothing for a verifier built by hand without the hook', () => {
    expect(() => reportRejection(base, missing)).not.toThrow();
  });

  it('prefers the hook over a public reportRejection method', () => {
    const seen: string[] = [];
    const verifier = {
      ...base,
      [REPORT]: () => seen.push('hook'),
      reportRejection: () => seen.push('method'),
    };
    reportRejection(verifier, missing);
    expect(seen).toEqual(['hook']);
  });

  it('falls back to the public method of a verifier without the hook, called on the verifier', () => {
    const seen: unknown[] = [];
    const verifier = {
      ...base,
      reportRejection(this: unknown, error: AuthError) {
        seen.push(this, error);
      },
    };
    reportRejection(verifier, missing);
    expect(seen).toEqual([verifier, missing]);
  });

  it("reaches createVerifier's onRejection, with the principal's issuer and client", async () => {
    const { verifier, events } = await fixture();
    reportRejection(verifier, missing);
    const scope = new AuthError('insufficient_scope', 'missing scope x', {
      reason: 'scope_missing',
      required: ['x'],
    });
    reportRejection(verifier, scope, principal);
    expect(events).toEqual([
      { code: 'invalid_token', reason: 'token_missing', status: 401, description: 'no bearer token' },
      {
        code: 'insufficient_scope',
        reason: 'scope_missing',
        status: 403,
        description: 'missing scope x',
        issuer: 'https://id.example',
        clientId: 'svc',
      },
    ]);
  });
});
