/**
 * `M2mHttpModule.register()` and `registerAsync()` validate a client's options as the app is defined
 * (or when the factory has run), each message prefixed with where the options were given.
 */
import { Test } from '@nestjs/testing';
import { ConfigurationError } from '@m2m-auth/core';
import { M2mHttpModule } from '@m2m-auth/nest/http';
import { describe, expect, it } from 'vitest';

describe('M2mHttpModule options', () => {
  const token = { issuer: 'https://id.example', clientId: 'c', clientSecret: 's' };

  it.each([
    [{ token }, /M2mHttpModule.register: pass origins \(or anyOrigin: true\), or a baseURL/],
    [{ token: undefined }, /token must be ClientCredentials options or a TokenSource/],
    [
      { token: { issuer: 'https://id.example', clientId: '' } },
      /M2mHttpModule.register: token: clientId must be/,
    ],
    [{ token, baseURL: '/relative' }, /baseURL must be an absolute URL/],
    [{ token, baseURL: 'https://api.example', name: '' }, /name must be a non-empty string/],
  ])('register rejects %j', (options, message) => {
    const call = () => M2mHttpModule.register(options as Parameters<typeof M2mHttpModule.register>[0]);
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(message);
  });

  it('registerAsync needs a factory, and checks what it returns when the app starts', async () => {
    expect(() =>
      M2mHttpModule.registerAsync({} as Parameters<typeof M2mHttpModule.registerAsync>[0]),
    ).toThrow(/useFactory must be a function/);
    const compile = Test.createTestingModule({
      imports: [M2mHttpModule.registerAsync({ name: 'x', useFactory: () => ({ token }) })],
    }).compile();
    await expect(compile).rejects.toThrow(/M2mHttpModule.registerAsync \(x\): pass origins/);
  });

  it.each([
    [
      { token, baseURL: 'https://api.example', origins: ['http://api.example'] },
      /M2mHttpModule.register: origins entry http:\/\/api.example uses plain http:/,
    ],
    [
      { token, baseURL: 'https://api.example', origins: ['https://api.example/v1'] },
      /M2mHttpModule.register: origins entries must be bare origins/,
    ],
    [
      { token, origins: ['https://api.example'], anyOrigin: true },
      /M2mHttpModule.register: pass either origins or anyOrigin, not both/,
    ],
    [
      { token, baseURL: 'http://api.example/v1' },
      /M2mHttpModule.register: baseURL http:\/\/api.example cannot get the token: .*uses plain http:/,
    ],
  ])('register rejects %j at once, before the app starts', (options, message) => {
    const call = () => M2mHttpModule.register(options);
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(message);
  });

  it('accepts plain http: on loopback, or elsewhere with allowInsecureRequests', () => {
    expect(() => M2mHttpModule.register({ token, baseURL: 'http://127.0.0.1:8080' })).not.toThrow();
    expect(() =>
      M2mHttpModule.register({ token, baseURL: 'http://api.internal', allowInsecureRequests: true }),
    ).not.toThrow();
    expect(() => M2mHttpModule.register({ token, anyOrigin: true })).not.toThrow();
  });

  it('registerAsync checks the origins of what its factory returns', async () => {
    const compile = Test.createTestingModule({
      imports: [
        M2mHttpModule.registerAsync({
          name: 'y',
          useFactory: () => ({ token, baseURL: 'https://api.example', origins: ['http://api.example'] }),
        }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(/M2mHttpModule.registerAsync \(y\): origins entry/);
  });
});
