import { describe, expect, it } from 'vitest';
import { fromWebRequest, isWebAuthInput } from '../../src/authorize/web-request.js';

const FORM = 'application/x-www-form-urlencoded';

describe('isWebAuthInput', () => {
  it('tells a Web Request and Headers from the neutral request shape', () => {
    expect(isWebAuthInput(new Request('https://api.example/'))).toBe(true);
    expect(isWebAuthInput(new Headers())).toBe(true);
    expect(isWebAuthInput({ headers: { authorization: 'Bearer x' } })).toBe(false);
    // A plain header record that happens to hold a `get` header is still the neutral shape.
    expect(isWebAuthInput({ headers: { get: 'x', has: 'y' } })).toBe(false);
    expect(isWebAuthInput(null)).toBe(false);
  });
});

describe('fromWebRequest', () => {
  it('maps the headers, method and URL of a Request', async () => {
    const request = new Request('https://api.example/v1/tables?limit=10', {
      method: 'DELETE',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
    });
    expect(await fromWebRequest(request)).toEqual({
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
      method: 'DELETE',
      url: 'https://api.example/v1/tables?limit=10',
      body: undefined,
    });
  });

  it('maps Headers alone, a missing header as undefined', async () => {
    expect(await fromWebRequest(new Headers({ authorization: 'Bearer abc' }))).toEqual({
      headers: { authorization: 'Bearer abc', 'content-type': undefined },
    });
  });

  it('reads the access_token fields of a form body only with allowBodyToken', async () => {
    const post = (body: string, type = FORM) =>
      new Request('https://api.example/', { method: 'POST', headers: { 'content-type': type }, body });
    expect((await fromWebRequest(post('access_token=abc'))).body).toBeUndefined();
    const allowed = { allowBodyToken: true };
    expect((await fromWebRequest(post('access_token=abc&x=1'), allowed)).body).toEqual({
      access_token: 'abc',
    });
    expect((await fromWebRequest(post('access_token=a&access_token=b'), allowed)).body).toEqual({
      access_token: ['a', 'b'],
    });
    expect((await fromWebRequest(post('x=1'), allowed)).body).toEqual({});
    expect((await fromWebRequest(post('{"access_token":"abc"}', 'application/json'), allowed)).body).toBe(
      undefined,
    );
  });

  it('leaves out a body the app already read', async () => {
    const request = new Request('https://api.example/', {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'access_token=abc',
    });
    await request.text();
    expect((await fromWebRequest(request, { allowBodyToken: true })).body).toBeUndefined();
  });
});
