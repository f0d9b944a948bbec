import { describe, expect, it } from 'vitest';
import { urlHost } from '../../src/lib/url-host.js';

describe('urlHost', () => {
  it('names the loopback address for a wildcard, so the issuer URL is usable', () => {
    expect(urlHost({ address: '0.0.0.0', family: 'IPv4' })).toBe('127.0.0.1');
    expect(urlHost({ address: '::', family: 'IPv6' })).toBe('[::1]');
  });

  it('keeps a concrete address, IPv6 in brackets', () => {
    expect(urlHost({ address: '127.0.0.1', family: 'IPv4' })).toBe('127.0.0.1');
    expect(urlHost({ address: '::1', family: 'IPv6' })).toBe('[::1]');
    expect(urlHost({ address: '192.0.2.7', family: 'IPv4' })).toBe('192.0.2.7');
  });
});
