import { HttpService } from '@nestjs/axios';
import { describe, expect, it } from 'vitest';
import { loadPeers } from '../src/http.peers.js';

// Without the peers, loadPeers' message is checked against the built package (optional-peers.test.ts).
describe('loadPeers', () => {
  it('loads HttpService from @nestjs/axios, and creates axios instances from a config', async () => {
    const peers = await loadPeers();
    expect(peers.HttpService).toBe(HttpService);
    const instance = peers.create({ baseURL: 'https://api.example', timeout: 100 });
    expect(instance.defaults.baseURL).toBe('https://api.example');
    expect(typeof instance.interceptors.request.use).toBe('function');
  });
});
