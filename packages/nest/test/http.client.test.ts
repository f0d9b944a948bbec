import { ClientCredentials, StaticToken, type Token, type TokenSource } from '@m2m-auth/core';
import type { HttpService } from '@nestjs/axios';
import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { createClient, ownedSource } from '../src/http.client.js';
import type { Peers } from '../src/http.peers.js';

describe('ownedSource', () => {
  it('uses a TokenSource passed in as it is, and does not own it', () => {
    const source = new StaticToken('key');
    expect(ownedSource({ token: source, anyOrigin: true })).toEqual({ source, owned: false });
  });

  it('builds a ClientCredentials from options, and owns it', () => {
    const { source, owned } = ownedSource({
      token: { tokenEndpoint: 'https://id.example/token', clientId: 'c', clientSecret: 's' },
      anyOrigin: true,
    });
    expect(source).toBeInstanceOf(ClientCredentials);
    expect(owned).toBe(true);
    source.close();
  });
});

describe('createClient', () => {
  /** Peers whose axios answers every request itself, recording the Authorization header it got. */
  function fakePeers() {
    const seen: (string | undefined)[] = [];
    const created: AxiosInstance[] = [];
    class FakeHttpService {
      constructor(readonly axiosRef: AxiosInstance) {}
    }
    const peers: Peers = {
      HttpService: FakeHttpService as unknown as typeof HttpService,
      create: (config) => {
        const instance = axios.create({
          ...config,
          adapter: async (request: InternalAxiosRequestConfig) => {
            seen.push(request.headers.get('Authorization') as string | undefined);
            return { data: null, status: 200, statusText: 'OK', headers: {}, config: request };
          },
        });
        created.push(instance);
        return instance;
      },
    };
    return { peers, seen, created };
  }

  const token: Token = { value: 't1', type: 'Bearer', expiresAt: Infinity, scope: undefined };
  const source: TokenSource = {
    getToken: async () => token,
    invalidate: async () => undefined,
    close: () => undefined,
  };

  it('wraps an axios instance made from the axios options, that sends the token to baseURL only', async () => {
    const { peers, seen, created } = fakePeers();
    const http = createClient(
      peers,
      { token: source, baseURL: 'https://api.example/v1', timeout: 1234 },
      source,
    );
    expect(created).toHaveLength(1);
    expect(http.axiosRef).toBe(created[0]);
    expect(created[0]!.defaults.timeout).toBe(1234);
    await http.axiosRef.get('/tables');
    await http.axiosRef.get('https://other.example/x');
    expect(seen).toEqual(['Bearer t1', undefined]);
  });

  it('sends the token to the listed origins when they are given', async () => {
    const { peers, seen } = fakePeers();
    const http = createClient(
      peers,
      { token: source, baseURL: 'https://api.example', origins: ['https://files.example'] },
      source,
    );
    await http.axiosRef.get('/tables');
    await http.axiosRef.get('https://files.example/f');
    expect(seen).toEqual([undefined, 'Bearer t1']);
  });
});
