import { AuthError } from '@m2m-auth/core';
import { M2mAuthException } from '@m2m-auth/nest';
import { describe, expect, it } from 'vitest';
import { setResponseHeaders } from '../src/auth.exception.js';

describe('M2mAuthException', () => {
  it('carries the status, the challenge, no-store and the JSON body', () => {
    const error = new AuthError('insufficient_scope', 'missing scope project-X', {
      reason: 'scope_missing',
      required: ['project-X'],
    });
    const exception = new M2mAuthException(error, 'tables');
    expect(exception.getStatus()).toBe(403);
    expect(exception.getResponse()).toEqual({
      error: 'insufficient_scope',
      error_description: 'missing scope project-X',
    });
    expect(exception.headers).toEqual({
      'WWW-Authenticate':
        'Bearer realm="tables", error="insufficient_scope", error_description="missing scope project-X", scope="project-X"',
      'Cache-Control': 'no-store',
    });
    expect(exception.cause).toBe(error);
  });

  it('sends no challenge with a 503', () => {
    const error = new AuthError('temporarily_unavailable', 'issuer unavailable', {
      reason: 'jwks_unavailable',
    });
    const exception = new M2mAuthException(error, 'tables');
    expect(exception.getStatus()).toBe(503);
    expect(exception.headers).toEqual({ 'Cache-Control': 'no-store' });
  });
});

describe('setResponseHeaders', () => {
  const headers = { 'WWW-Authenticate': 'Bearer realm="api"', 'Cache-Control': 'no-store' };

  it("sets them with Fastify's reply.header()", () => {
    const set: [string, string][] = [];
    setResponseHeaders(
      { raw: {}, header: (name: string, value: string) => set.push([name, value]) },
      headers,
    );
    expect(set).toEqual(Object.entries(headers));
  });

  it("sets them with Node's setHeader() (Express), unless the headers are already sent", () => {
    const set: [string, string][] = [];
    const response = {
      setHeader: (name: string, value: string) => set.push([name, value]),
      headersSent: false,
    };
    setResponseHeaders(response, headers);
    expect(set).toEqual(Object.entries(headers));
    set.length = 0;
    setResponseHeaders({ ...response, headersSent: true }, headers);
    expect(set).toEqual([]);
  });

  it('ignores what is no response', () => {
    expect(() => setResponseHeaders(undefined, headers)).not.toThrow();
    expect(() => setResponseHeaders({}, headers)).not.toThrow();
  });
});
