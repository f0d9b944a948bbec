import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { parseOrigins } from '../../src/origins/origin-list.js';

describe('parseOrigins', () => {
  it('returns the serialized origins, as URL.origin writes them', () => {
    const origins = parseOrigins(
      [
        'https://API.example',
        new URL('https://files.example:443'),
        'http://127.0.0.1:8080/',
        'https://api.example',
      ],
      'origins',
      false,
    );
    expect([...origins]).toEqual(['https://api.example', 'https://files.example', 'http://127.0.0.1:8080']);
  });

  it('accepts plain http: on another host with allowInsecureRequests', () => {
    expect([...parseOrigins(['http://api.internal'], 'origins', true)]).toEqual(['http://api.internal']);
  });

  it.each([
    [undefined, /^origins must be a non-empty array of origins \(or set anyOrigin: true\)$/],
    [[], /^origins must be a non-empty array/],
    ['https://api.example', /^origins must be a non-empty array/],
    [['not a url'], /^origins entries must be absolute URLs such as https:\/\/api.example$/],
    [[42], /^origins entries must be absolute URLs/],
    [['ftp://api.example'], /^origins entries must use https:$/],
    [['http://api.example'], /^origins entry http:\/\/api.example uses plain http: on a non-loopback host/],
    [['https://api.example/v1'], /^origins entries must be bare origins such as https:\/\/api.example$/],
    [['https://api.example/?q=1'], /bare origins/],
    [['https://api.example/#top'], /bare origins/],
    [['https://svc:secret@api.example'], /bare origins/],
  ])('refuses %j, naming the option', (value, message) => {
    expect(() => parseOrigins(value, 'origins', false)).toThrow(ConfigurationError);
    expect(() => parseOrigins(value, 'origins', false)).toThrow(message);
  });

  it('names the option it is given', () => {
    expect(() => parseOrigins([], 'allowedOrigins', false)).toThrow(/^allowedOrigins must be/);
  });

  it('never repeats credentials of a refused entry', () => {
    expect(() => parseOrigins(['http://svc:hunter2@api.example'], 'origins', false)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    );
  });
});
