import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { RedirectGuard, redirectOrigin, type RedirectHook } from '../../src/lib/redirect-guard.js';

type Redirect = Parameters<RedirectHook>[0];
const response = {} as Parameters<RedirectHook>[1];
const request = {} as Parameters<RedirectHook>[2];

function redirectTo(href: string, headers: Record<string, unknown>): Redirect {
  return { href, headers };
}

describe('redirectOrigin', () => {
  it.each([
    [{ href: 'https://api.example/next?x=1' }, 'https://api.example'],
    [{ protocol: 'https:', hostname: 'api.example', port: '' }, 'https://api.example'],
    [{ protocol: 'https:', hostname: 'api.example', port: 443 }, 'https://api.example'],
    [{ protocol: 'http:', hostname: '127.0.0.1', port: '8080' }, 'http://127.0.0.1:8080'],
    [{ protocol: 'http:', hostname: '::1', port: 3000 }, 'http://[::1]:3000'],
    [{ hostname: 'api.example' }, undefined],
    [{ href: 'not a url' }, undefined],
  ])('%j -> %s', (options, origin) => {
    expect(redirectOrigin(options)).toBe(origin);
  });
});

describe('RedirectGuard', () => {
  it('strips its credentials on a hop to another origin, and keeps them on the same origin', () => {
    const hook = new RedirectGuard().strip('https://api.example', 'Bearer t1', undefined);
    const same = redirectTo('https://api.example/b', { Authorization: 'Bearer t1' });
    hook(same, response, request);
    expect(same.headers).toEqual({ Authorization: 'Bearer t1' });
    const other = redirectTo('https://evil.api.example/b', { Authorization: 'Bearer t1', accept: 'x' });
    hook(other, response, request);
    expect(other.headers).toEqual({ accept: 'x' });
  });

  it('leaves an Authorization value it did not add alone', () => {
    const hook = new RedirectGuard().strip('https://api.example', 'Bearer t1', undefined);
    const other = redirectTo('https://other.example/', { authorization: 'Basic user-set' });
    hook(other, response, request);
    expect(other.headers).toEqual({ authorization: 'Basic user-set' });
  });

  it("calls the user's hook first, and wraps the user's original hook again, never its own", () => {
    const guard = new RedirectGuard();
    const calls: string[] = [];
    const user: RedirectHook = () => void calls.push('user');
    const first = guard.strip('https://api.example', 'Bearer t1', user);
    const second = guard.strip('https://api.example', 'Bearer t2', first);
    const redirect = redirectTo('https://other.example/', { Authorization: 'Bearer t2' });
    second(redirect, response, request);
    expect(calls).toEqual(['user']);
    expect(redirect.headers).toEqual({});
  });

  it('forget removes the header and hook it added, restoring the user hook', () => {
    const guard = new RedirectGuard();
    const user: RedirectHook = () => undefined;
    const config = {
      headers: new AxiosHeaders({ Authorization: 'Bearer t1' }),
    } as InternalAxiosRequestConfig;
    config.beforeRedirect = guard.strip('https://api.example', 'Bearer t1', user);
    guard.forget(config);
    expect(config.headers.has('Authorization')).toBe(false);
    expect(config.beforeRedirect).toBe(user);
  });

  it('forget leaves a config it never handled, or a header the user replaced, alone', () => {
    const guard = new RedirectGuard();
    const user: RedirectHook = () => undefined;
    const untouched = { headers: new AxiosHeaders({ Authorization: 'Basic u' }), beforeRedirect: user };
    guard.forget(untouched as InternalAxiosRequestConfig);
    expect(untouched.headers.get('Authorization')).toBe('Basic u');
    expect(untouched.beforeRedirect).toBe(user);

    const replaced = {
      headers: new AxiosHeaders({ Authorization: 'Basic u' }),
    } as InternalAxiosRequestConfig;
    replaced.beforeRedirect = guard.strip('https://api.example', 'Bearer t1', undefined);
    guard.forget(replaced);
    expect(replaced.headers.get('Authorization')).toBe('Basic u');
    expect(replaced.beforeRedirect).toBeUndefined();
  });
});
