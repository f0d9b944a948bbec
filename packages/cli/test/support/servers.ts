/**
 * The two issuers the CLI's end-to-end tests run against: the embedded test issuer (realm `acme`) and
 * oidc-provider, both on 127.0.0.1, for one test file.
 */
import { startTestIssuer, type TestIssuer, type TestIssuerOptions } from '@m2m-auth/testing';
import { afterAll, beforeAll } from 'vitest';
import {
  startOidcProvider,
  type ProviderClient,
  type RunningProvider,
} from '../../../../test/support/oidc-provider.js';
import { ensureBuilt } from './run.js';

/** The API the tokens are for: the embedded issuer's `audience`, oidc-provider's resource (scope `read`). */
export const API = 'https://tables.example';

export interface TestServersOptions {
  /** Clients of the embedded issuer. Default is none. */
  issuerClients?: TestIssuerOptions['clients'];
  /** Clients of oidc-provider. */
  opClients: ProviderClient[];
}

/** The running issuers; read them in tests (they are started before the file's first test). */
export interface TestServers {
  readonly issuer: TestIssuer;
  readonly op: RunningProvider;
}

/**
 * Builds the CLI and starts both issuers before the file's tests, and closes them after.
 *
 * @example
 * ```ts
 * const servers = useTestServers({ opClients: [{ clientId: 'op-basic', clientSecret, scopes: ['read'] }] });
 * it('…', async () => { await servers.issuer.mint({}); });
 * ```
 */
export function useTestServers(options: TestServersOptions): TestServers {
  let issuer: TestIssuer | undefined;
  let op: RunningProvider | undefined;
  beforeAll(async () => {
    ensureBuilt();
    issuer = await startTestIssuer({
      realms: ['acme'],
      audience: API,
      ...(options.issuerClients === undefined ? {} : { clients: options.issuerClients }),
    });
    op = await startOidcProvider({ clients: options.opClients, resources: { [API]: { scopes: ['read'] } } });
  }, 120_000);
  afterAll(async () => {
    await issuer?.close();
    await op?.close();
  });
  return {
    get issuer() {
      if (issuer === undefined) throw new Error('the test issuer is not started yet');
      return issuer;
    },
    get op() {
      if (op === undefined) throw new Error('oidc-provider is not started yet');
      return op;
    },
  };
}
