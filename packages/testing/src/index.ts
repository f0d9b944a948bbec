export { startTestIssuer } from './start-test-issuer.js';
export type { TestIssuer } from './start-test-issuer.js';
export type { TestIssuerOptions } from './options.js';
export type { IssuerRealm, IssuerUrls, RotateKeysOptions } from './realm.js';
export type {
  ClientAuthMethod,
  ClientManager,
  ClientPublicKey,
  PermissionsClaim,
  TestClient,
  TestClientConfig,
  TestClientUpdate,
  TokenFormat,
} from './clients.js';
export type { FailNextOptions, Fault, IssuerEndpoint } from './faults.js';
export type { MintOptions } from './mint.js';
export type { RotatedKey, SigningAlgorithm } from './keys.js';
export type { JsonObject, JsonValue } from './lib/json.js';
