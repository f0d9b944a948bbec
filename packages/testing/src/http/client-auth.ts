import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { ClientAuthMethod, StoredClient } from '../clients.js';
import { SIGNING_ALGORITHMS } from '../keys.js';
import { safeEqual } from '../lib/compare.js';
import type { RealmState } from '../realm.js';
import { OAuthHttpError } from './io.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHMS = [...SIGNING_ALGORITHMS, 'Ed25519'];

/** A client and the method it authenticated with. */
export interface AuthenticatedClient {
  readonly client: StoredClient;
  readonly method: ClientAuthMethod;
}

function invalidClient(description: string, basic: boolean, realm: RealmState): OAuthHttpError {
  return new OAuthHttpError(
    401,
    'invalid_client',
    description,
    basic ? { 'www-authenticate': `Basic realm="${realm.name ?? 'test-issuer'}"` } : {},
  );
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function allows(client: StoredClient, method: ClientAuthMethod): boolean {
  if (client.authMethod !== undefined) return client.authMethod === method;
  return method === 'private_key_jwt'
    ? client.jwks !== undefined || client.publicKey !== undefined
    : client.clientSecret !== undefined;
}

/**
 * Authenticates the client of a token, introspection or revocation request (`client_secret_basic`,
 * `client_secret_post` or `private_key_jwt`). Throws `401 invalid_client` without naming which part was
 * wrong, and never echoes a secret.
 */
export async function authenticateClient(
  req: IncomingMessage,
  form: URLSearchParams,
  realm: RealmState,
  endpointUrl: string,
): Promise<AuthenticatedClient> {
  const authorization = req.headers.authorization;
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  const assertionType = form.get('client_assertion_type');
  const formSecret = form.get('client_secret');
  const methods = [basic, assertionType !== null, formSecret !== null].filter(Boolean).length;
  if (methods > 1) {
    throw new OAuthHttpError(400, 'invalid_request', 'more than one client authentication method used');
  }

  if (basic) {
    let id: string;
    let secret: string;
    try {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new Error('no colon');
      id = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw invalidClient('malformed Basic credentials', true, realm);
    }
    const formId = form.get('client_id');
    if (formId !== null && formId !== id)
      throw invalidClient('client_id does not match the credentials', true, realm);
    return {
      client: checkSecret(realm, id, secret, 'client_secret_basic', true),
      method: 'client_secret_basic',
    };
  }

  if (formSecret !== null) {
    const id = form.get('client_id');
    if (id === null) throw invalidClient('client_id is missing', false, realm);
    return {
      client: checkSecret(realm, id, formSecret, 'client_secret_post', false),
      method: 'client_secret_post',
    };
  }

  if (assertionType !== null) {
    if (assertionType !== JWT_BEARER) throw invalidClient('unsupported client_assertion_type', false, realm);
    const assertion = form.get('client_assertion');
    if (assertion === null) throw new OAuthHttpError(400, 'invalid_request', 'client_assertion is missing');
    return { client: await checkAssertion(realm, form, assertion, endpointUrl), method: 'private_key_jwt' };
  }

  throw invalidClient('client authentication is required', false, realm);
}

function checkSecret(
  realm: RealmState,
  clientId: string,
  secret: string,
  method: ClientAuthMethod,
  basic: boolean,
): StoredClient {
  const client = realm.clients.get(clientId);
  const expected = client?.clientSecret;
  if (client === undefined || expected === undefined || !safeEqual(secret, expected)) {
    throw invalidClient('invalid client or invalid client credentials', basic, realm);
  }
  if (!allows(client, method)) {
    throw invalidClient(`the client may not authenticate with ${method}`, basic, realm);
  }
  return client;
}

async function checkAssertion(
  realm: RealmState,
  form: URLSearchParams,
  assertion: string,
  endpointUrl: string,
): Promise<StoredClient> {
  let clientId: string | undefined;
  try {
    const claims = decodeJwt(assertion);
    clientId = typeof claims.sub === 'string' ? claims.sub : claims.iss;
  } catch {
    throw invalidClient('client_assertion is not a JWT', false, realm);
  }
  const formId = form.get('client_id');
  if (clientId === undefined || (formId !== null && formId !== clientId)) {
    throw invalidClient('client_assertion does not name the client', false, realm);
  }
  const client = realm.clients.get(clientId);
  if (client === undefined || !allows(client, 'private_key_jwt')) {
    throw invalidClient('invalid client or invalid client credentials', false, realm);
  }
  const audience = [...new Set([realm.issuer, realm.urls.tokenEndpoint, endpointUrl])];
  const options = {
    issuer: clientId,
    subject: clientId,
    audience,
    algorithms: ALGORITHMS,
    currentDate: new Date(realm.settings.clock()),
    requiredClaims: ['exp', 'jti'],
    clockTolerance: 5,
  };
  let payload;
  try {
    payload =
      client.jwks !== undefined
        ? (await jwtVerify(assertion, createLocalJWKSet(client.jwks), options)).payload
        : (await jwtVerify(assertion, client.publicKey!, options)).payload;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid';
    throw invalidClient(`client_assertion rejected: ${reason}`, false, realm);
  }
  if (!realm.grants.rememberAssertion(`${clientId}\u0000${String(payload.jti)}`, payload.exp!)) {
    throw invalidClient('client_assertion replayed (its jti was already used)', false, realm);
  }
  return client;
}
