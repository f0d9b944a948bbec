import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/lib/redact.js';

describe('Redactor', () => {
  it('redacts a long secret where it stands as a whole value, and withholds a text where it is glued to a word', () => {
    const r = new Redactor();
    r.add('s3cr3t-value');
    expect(r.scrub("scope 's3cr3t-value' refused")).toBe("scope '[redacted]' refused");
    expect(r.scrub('client_secret=s3cr3t-value&x=1')).toBe('client_secret=[redacted]&x=1');
    expect(r.scrub('s3cr3t-value')).toBe('[redacted]');
    // Glued to other letters, the secret cannot be cut out without showing where it stood: never printed.
    expect(r.scrub('xs3cr3t-value')).toBe('(withheld: it held a secret)');
    expect(r.scrub("bad secret 's3cr3t-value' (not s3cr3t-value2)")).toBe('(withheld: it held a secret)');
  });

  it('never replaces a short secret inside a text: the text is withheld when it holds it, else untouched', () => {
    const r = new Redactor();
    r.add('c');
    expect(r.scrub('client authentication failed')).toBe('client authentication failed');
    expect(r.scrub("scope 'c' refused")).toBe('(withheld: it held a secret)');
    const seven = new Redactor();
    seven.add('abcdefg');
    expect(seven.scrub('got abcdefg')).toBe('(withheld: it held a secret)');
    expect(seven.scrub('abcdefgh')).toBe('abcdefgh');
  });

  it('ignores the empty string', () => {
    const r = new Redactor();
    r.add('');
    expect(r.scrub('anything')).toBe('anything');
  });
});
