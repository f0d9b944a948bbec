import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import {
  absoluteUrl,
  insecureUrlReason,
  isLoopbackHost,
  parseSecureUrl,
  redactUrl,
  refuseUserinfo,
} from '../../src/lib/secure-url.js';

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'localhost.evil.example',
    '127.0.0.1.evil.example',
    '128.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    'example.com',
  ])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('parseSecureUrl', () => {
  it('accepts https', () => {
    expect(parseSecureUrl('https://id.example/realms/a', 'issuer').href).toBe('https://id.example/realms/a');
  });

  it('accepts a URL object', () => {
    expect(parseSecureUrl(new URL('https://id.example'), 'issuer').hostname).toBe('id.example');
  });

  it.each(['http://localhost:8080/x', 'http://127.0.0.1/x', 'http://[::1]:3000/'])(
    'accepts loopback http %s',
    (url) => {
      expect(parseSecureUrl(url, 'issuer').protocol).toBe('http:');
    },
  );

  it('refuses http on another host unless allowInsecureRequests, naming the option', () => {
    expect(() => parseSecureUrl('http://id.example', 'jwksUri')).toThrow(ConfigurationError);
    expect(() => parseSecureUrl('http://id.example', 'jwksUri')).toThrow(/^jwksUri .*allowInsecureRequests/);
    expect(() => parseSecureUrl('http://localhost.evil.example', 'issuer')).toThrow(ConfigurationError);
    expect(parseSecureUrl('http://id.example', 'jwksUri', true).href).toBe('http://id.example/');
  });

  it.each([
    ['a relative URL', '/certs'],
    ['not a URL', 'not a url'],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s, naming the option', (_name, value) => {
    expect(() => parseSecureUrl(value, 'jwks_uri')).toThrow(/^jwks_uri must be an absolute URL/);
  });

  it.each(['ftp://id.example', 'file:///etc/passwd', 'javascript:alert(1)'])(
    'refuses the scheme of %s even with allowInsecureRequests',
    (url) => {
      expect(() => parseSecureUrl(url, 'issuer', true)).toThrow(/^issuer must use https:/);
    },
  );
});

describe('refuseUserinfo', () => {
  it.each(['https://svc:hunter2@id.example/', 'https://svc@id.example/', 'https://:hunter2@id.example/'])(
    'refuses %s without repeating it',
    (url) => {
      expect(() => refuseUserinfo(new URL(url), 'issuer')).toThrow(ConfigurationError);
      expect(() => refuseUserinfo(new URL(url), 'issuer')).toThrow(/^issuer must not carry credentials$/);
    },
  );

  it('passes a URL without credentials through', () => {
    const url = new URL('https://id.example/realms/a?x=1');
    expect(refuseUserinfo(url, 'issuer')).toBe(url);
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://id.example/token?api_key=s3cr3t#frag', 'https://id.example/token'],
    ['https://u:p@id.example:8443/realms/a?x=1', 'https://id.example:8443/realms/a'],
    ['http://127.0.0.1:9000/token', 'http://127.0.0.1:9000/token'],
  ])('%s -> %s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });

  it('never echoes what is not a URL', () => {
    expect(redactUrl('not a url with a secret')).toBe('[invalid URL]');
  });
});

describe('insecureUrlReason', () => {
  it.each([
    ['https://api.example/', false, undefined],
    ['http://127.0.0.1:8080/', false, undefined],
    ['http://[::1]/', false, undefined],
    ['http://api.example/', false, 'plain_http'],
    ['http://localhost.evil.example/', false, 'plain_http'],
    ['http://api.example/', true, undefined],
    ['ftp://api.example/', false, 'not_https'],
    ['ftp://api.example/', true, 'not_https'],
    ['javascript:alert(1)', true, 'not_https'],
  ] as const)('%s (allowInsecureRequests %s) -> %s', (url, insecure, reason) => {
    expect(insecureUrlReason(new URL(url), insecure)).toBe(reason);
  });
});

describe('absoluteUrl', () => {
  it('parses a string or a URL', () => {
    expect(absoluteUrl('https://api.example/x')?.href).toBe('https://api.example/x');
    const url = new URL('https://api.example');
    expect(absoluteUrl(url)?.href).toBe(url.href);
    expect(absoluteUrl(url)).not.toBe(url);
  });

  it.each([['/relative'], ['not a url'], [42], [undefined], [null]])('is undefined for %j', (value) => {
    expect(absoluteUrl(value)).toBeUndefined();
  });
});
