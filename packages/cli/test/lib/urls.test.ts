import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/lib/errors.js';
import { checkUrl } from '../../src/lib/urls.js';

describe('checkUrl', () => {
  it.each([
    ['https://id.example/realms/a', false],
    ['http://127.0.0.1:8080/', false],
    ['http://localhost/x', false],
    ['http://[::1]:3000', false],
    ['http://id.internal/', true],
  ])('returns %s as given (--allow-insecure %s)', (url, insecure) => {
    expect(checkUrl(url, '--issuer', insecure)).toBe(url);
  });

  it.each([
    ['id.example', false, /^--issuer must be an absolute URL \(https:\/\/…\)$/],
    ['https://svc:hunter2@id.example/', false, /^--issuer must not carry credentials$/],
    ['http://svc@127.0.0.1/', true, /^--issuer must not carry credentials$/],
    [
      'http://id.example/',
      false,
      /^--issuer uses plain http: on a host that is not loopback; use https:, or pass --allow-insecure \(never in production\)$/,
    ],
    ['http://localhost.evil.example/', false, /plain http:/],
    ['ftp://id.example/', true, /^--issuer must use https:$/],
  ])('refuses %s (--allow-insecure %s) with a usage error naming the flag', (url, insecure, message) => {
    expect(() => checkUrl(url, '--issuer', insecure)).toThrow(UsageError);
    expect(() => checkUrl(url, '--issuer', insecure)).toThrow(message);
  });

  it('names the flag it is given', () => {
    expect(() => checkUrl('nope', '--token-endpoint', false)).toThrow(/^--token-endpoint must be/);
  });
});
