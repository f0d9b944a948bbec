import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { createPrincipal } from '../../src/principal/principal.js';
import { rejectionHook, type RejectionEvent } from '../../src/verify/rejection-event.js';

const ISSUER = 'https://id.example/realms/acme';
const expired = () => new AuthError('invalid_token', 'token expired', { reason: 'token_expired' });
const principal = (claims: Record<string, unknown>) =>
  createPrincipal({ exp: 2e9, ...claims }, 'the-token', ISSUER, []);

function recorded() {
  const events: RejectionEvent[] = [];
  return { events, hook: rejectionHook((event) => events.push(event)) };
}

describe('rejectionHook', () => {
  it('hands the hook the code, reason, status and description of the error', () => {
    const { events, hook } = recorded();
    hook(expired());
    expect(events).toEqual([
      { code: 'invalid_token', reason: 'token_expired', status: 401, description: 'token expired' },
    ]);
  });

  it('adds the issuer when one was accepted', () => {
    const { events, hook } = recorded();
    hook(expired(), undefined, ISSUER);
    expect(events).toEqual([expect.objectContaining({ issuer: ISSUER })]);
    expect(events[0]).not.toHaveProperty('clientId');
  });

  it('takes issuer and client from the principal, the principal’s issuer first', () => {
    const { events, hook } = recorded();
    hook(expired(), principal({ client_id: 'svc' }), 'https://other.example');
    expect(events[0]).toMatchObject({ issuer: ISSUER, clientId: 'svc' });
  });

  it('leaves clientId out when the principal has none', () => {
    const { events, hook } = recorded();
    hook(expired(), principal({}));
    expect(events[0]).toEqual({
      code: 'invalid_token',
      reason: 'token_expired',
      status: 401,
      description: 'token expired',
      issuer: ISSUER,
    });
  });

  it('never hands over the token', () => {
    const { events, hook } = recorded();
    hook(expired(), principal({ client_id: 'svc' }));
    expect(JSON.stringify(events)).not.toContain('the-token');
  });

  it('swallows what the hook throws', () => {
    let calls = 0;
    const hook = rejectionHook(() => {
      calls++;
      throw new Error('logger down');
    });
    expect(() => hook(expired())).not.toThrow();
    expect(calls).toBe(1);
  });

  it('without a hook, reports nothing', () => {
    expect(() => rejectionHook(undefined)(expired(), principal({}), ISSUER)).not.toThrow();
  });
});
