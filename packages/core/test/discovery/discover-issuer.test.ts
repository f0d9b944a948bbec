/**
 * Discovery over real HTTP on 127.0.0.1, against an issuer that answers its discovery document late: the
 * timeout is honoured in milliseconds (openid-client itself counts whole seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../../test/support/listen.js';
import { discoverIssuer } from '../../src/discovery/discover-issuer.js';

/** How long the slow issuer takes to answer (in milliseconds), well under one second. */
const DELAY = 600;

let slow: Listening;
let issuer: string;

beforeAll(async () => {
  slow = await listen((req, res) => {
    const timer = setTimeout(() => {
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    }, DELAY);
    res.on('close', () => clearTimeout(timer));
  });
  issuer = slow.url;
});

afterAll(async () => {
  await slow?.close();
});

describe('discoverIssuer: timeout in milliseconds', () => {
  it('gives up on a document that comes after a sub-second timeout (not rounded up to 1 s)', async () => {
    let error: unknown;
    try {
      await discoverIssuer(new URL(issuer), { timeout: DELAY / 2, allowInsecureRequests: false });
    } catch (err) {
      error = err;
    }
    // openid-client's coded error for an aborted request, with the timeout signal's reason as cause.
    expect(error).toMatchObject({ code: 'OAUTH_TIMEOUT' });
    expect(((error as Error).cause as Error).name).toBe('TimeoutError');
  });

  it('waits for it with a timeout longer than the delay', async () => {
    const config = await discoverIssuer(new URL(issuer), {
      timeout: DELAY * 4,
      allowInsecureRequests: false,
    });
    expect(config.serverMetadata().jwks_uri).toBe(`${issuer}/jwks`);
  });

  it('passes the timeout signal through a custom fetch, alongside any signal openid-client sets', async () => {
    const signals: AbortSignal[] = [];
    const config = await discoverIssuer(new URL(issuer), {
      timeout: DELAY * 4,
      allowInsecureRequests: false,
      fetch: (input, init) => {
        if (init?.signal) signals.push(init.signal);
        return fetch(input, init);
      },
    });
    expect(config.serverMetadata().issuer).toBe(issuer);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });
});
