import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { createOriginPolicy, type OriginPolicyOptions } from '../../src/origins/origin-policy.js';

const url = (href: string) => new URL(href);

describe('createOriginPolicy', () => {
  it('allows exactly the listed origins, whatever the path', () => {
    const policy = createOriginPolicy({ origins: ['https://api.example', 'http://127.0.0.1:8080'] });
    expect(policy.allows(url('https://api.example/v1/tables?x=1'))).toBe(true);
    expect(policy.allows(url('http://127.0.0.1:8080/'))).toBe(true);
    expect(policy.allows(url('http://api.example/'))).toBe(false);
    expect(policy.allows(url('https://api.example:8443/'))).toBe(false);
    expect(policy.allows(url('https://evil.api.example/'))).toBe(false);
    expect(policy.allows(url('http://127.0.0.1:8081/'))).toBe(false);
    expect(policy.anyOrigin).toBe(false);
    expect([...policy.origins]).toEqual(['https://api.example', 'http://127.0.0.1:8080']);
  });

  it('anyOrigin allows every https: origin and loopback http:, never plain http: elsewhere', () => {
    const policy = createOriginPolicy({ anyOrigin: true });
    expect(policy.allows(url('https://anything.example/'))).toBe(true);
    expect(policy.allows(url('http://localhost:3000/'))).toBe(true);
    expect(policy.allows(url('http://api.example/'))).toBe(false);
    expect(policy.allows(url('ftp://api.example/'))).toBe(false);
    expect(policy.origins.size).toBe(0);
  });

  it('anyOrigin with allowInsecureRequests allows plain http: too, not other schemes', () => {
    const policy = createOriginPolicy({ anyOrigin: true, allowInsecureRequests: true });
    expect(policy.allows(url('http://api.example/'))).toBe(true);
    expect(policy.allows(url('ftp://api.example/'))).toBe(false);
    expect(policy.allowInsecureRequests).toBe(true);
  });

  it('anyOrigin: false is the same as leaving it out', () => {
    expect(() => createOriginPolicy({ anyOrigin: false })).toThrow(/origins must be a non-empty array/);
    expect(createOriginPolicy({ anyOrigin: false, origins: ['https://a.example'] }).anyOrigin).toBe(false);
  });

  it('ignores the keys of the caller (maxRedirects, fetch, baseURL, …)', () => {
    const options = { origins: ['https://a.example'], maxRedirects: 3 } as OriginPolicyOptions;
    expect(createOriginPolicy(options).allows(url('https://a.example/'))).toBe(true);
  });

  it.each([
    [undefined, /^options are required: pass origins \(or anyOrigin: true\)$/],
    [null, /^options are required/],
    [{}, /^origins must be a non-empty array/],
    [{ anyOrigin: 'true' }, /^anyOrigin must be a boolean$/],
    [
      { origins: ['https://a.example'], allowInsecureRequests: 'yes' },
      /^allowInsecureRequests must be a boolean$/,
    ],
    [{ origins: ['https://a.example'], anyOrigin: true }, /^pass either origins or anyOrigin, not both$/],
    [{ origins: ['http://a.example'] }, /^origins entry http:\/\/a.example uses plain http:/],
  ])('refuses %j', (options, message) => {
    const create = () => createOriginPolicy(options as OriginPolicyOptions);
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(message);
  });
});
