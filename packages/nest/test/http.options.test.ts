import { describe, expect, it } from 'vitest';
import type { TokenSource } from '@m2m-auth/core';
import { splitOptions, type M2mHttpModuleOptions } from '../src/http.options.js';

const token = { issuer: 'https://id.example', clientId: 'c', clientSecret: 's' };

describe('splitOptions', () => {
  it('gives attachTokens the origin of baseURL when neither origins nor anyOrigin is set', () => {
    const { attach, axios } = splitOptions({ token, baseURL: 'https://api.example/v1', timeout: 5000 });
    expect(attach).toEqual({ origins: ['https://api.example'] });
    expect(axios).toEqual({ baseURL: 'https://api.example/v1', timeout: 5000 });
  });

  it('passes origins, anyOrigin and allowInsecureRequests to attachTokens, and none of them to axios', () => {
    const listed = splitOptions({
      token,
      baseURL: 'http://api.internal',
      origins: ['http://api.internal', 'https://files.example'],
      allowInsecureRequests: true,
    });
    expect(listed.attach).toEqual({
      origins: ['http://api.internal', 'https://files.example'],
      allowInsecureRequests: true,
    });
    expect(listed.axios).toEqual({ baseURL: 'http://api.internal' });
    expect(splitOptions({ token, anyOrigin: true }).attach).toEqual({ anyOrigin: true });
  });

  it('keeps anyOrigin: false out, so the origin of baseURL applies', () => {
    expect(splitOptions({ token, baseURL: 'https://api.example', anyOrigin: false }).attach).toEqual({
      origins: ['https://api.example'],
    });
  });

  it('never hands token, name or isGlobal to axios', () => {
    const source = { getToken: async () => undefined } as unknown as TokenSource;
    const options: M2mHttpModuleOptions = {
      token: source,
      name: 'tables',
      isGlobal: true,
      baseURL: 'https://api.example',
      headers: { 'x-client': 'tables' },
    };
    expect(splitOptions(options).axios).toEqual({
      baseURL: 'https://api.example',
      headers: { 'x-client': 'tables' },
    });
  });
});
