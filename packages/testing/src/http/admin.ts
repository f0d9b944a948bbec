import { clientToJson } from '../clients.js';
import { safeEqual } from '../lib/compare.js';
import { isRecord } from '../lib/json.js';
import type { RequestContext } from './context.js';
import { OAuthHttpError, readJson, send } from './io.js';

function unauthorized(description: string): OAuthHttpError {
  return new OAuthHttpError(401, 'unauthorized', description, {
    'www-authenticate': 'Bearer realm="admin"',
  });
}

function notFound(clientId: string): OAuthHttpError {
  return new OAuthHttpError(404, 'not_found', `no client '${clientId}'`);
}

function invalidMetadata(error: unknown): OAuthHttpError {
  const message = error instanceof Error ? error.message : 'invalid client';
  return new OAuthHttpError(400, 'invalid_client_metadata', message);
}

function methodNotAllowed(allow: string): OAuthHttpError {
  return new OAuthHttpError(405, 'invalid_request', `use ${allow}`, { allow });
}

/**
 * The client-management REST API of a realm, under `…/clients`:
 * `GET` (list), `POST` (register; `201` with the secret), `GET /{id}`, `PUT /{id}` (replace),
 * `PATCH /{id}` (merge), `DELETE /{id}` (`204`), `POST /{id}/secret` (reset; the old secret fails at once),
 * `POST /{id}/revoke` (revoke every token issued so far). Guarded by `Authorization: Bearer <adminToken>`.
 */
export async function admin({ req, res, realm, url, adminToken }: RequestContext): Promise<void> {
  const authorization = req.headers.authorization ?? '';
  const match = /^bearer\s+(.+)$/i.exec(authorization);
  if (match === null) throw unauthorized('an admin token is required (Authorization: Bearer …)');
  if (!safeEqual(match[1]!.trim(), adminToken)) throw unauthorized('the admin token is not valid');

  const rest = url.pathname
    .slice(realm.adminPath.length)
    .split('/')
    .filter((s) => s !== '');
  const [encodedId, action, ...extra] = rest;
  const method = req.method ?? 'GET';
  const where = `${url.pathname}`;

  if (encodedId === undefined) {
    if (method === 'GET') {
      send(
        res,
        200,
        realm.clients.list().map((c) => clientToJson(c)),
      );
      return;
    }
    if (method === 'POST') {
      const body = await readJson(req);
      let created;
      try {
        created = realm.clients.add(body, 'body');
      } catch (error) {
        const status = error instanceof TypeError && /already registered/.test(error.message) ? 409 : 400;
        throw status === 409
          ? new OAuthHttpError(409, 'conflict', (error as Error).message)
          : invalidMetadata(error);
      }
      send(res, 201, clientToJson(created, true), {
        location: `${realm.urls.adminEndpoint}/${encodeURIComponent(created.clientId)}`,
      });
      return;
    }
    throw methodNotAllowed('GET, POST');
  }

  let clientId: string;
  try {
    clientId = decodeURIComponent(encodedId);
  } catch {
    // Malformed percent-encoding (`%E0%A4%A`): no client can have that id.
    throw new OAuthHttpError(404, 'not_found', 'no client with that id (its percent-encoding is malformed)');
  }
  const client = realm.clients.get(clientId);
  if (client === undefined) throw notFound(clientId);
  if (extra.length > 0) throw new OAuthHttpError(404, 'not_found', `no such path ${where}`);

  if (action === undefined) {
    switch (method) {
      case 'GET':
        send(res, 200, clientToJson(client));
        return;
      case 'PUT':
      case 'PATCH': {
        const body = await readJson(req);
        if (!isRecord(body)) throw invalidMetadata(new TypeError('body must be a JSON object'));
        let updated;
        try {
          updated = realm.clients.update(clientId, body, 'body', method === 'PATCH');
        } catch (error) {
          throw invalidMetadata(error);
        }
        send(res, 200, clientToJson(updated, 'clientSecret' in body));
        return;
      }
      case 'DELETE':
        realm.removeClient(clientId);
        send(res, 204, undefined);
        return;
      default:
        throw methodNotAllowed('GET, PUT, PATCH, DELETE');
    }
  }

  if (method !== 'POST') throw methodNotAllowed('POST');
  if (action === 'secret') {
    const body = await readJson(req);
    const requested = isRecord(body) ? body.clientSecret : undefined;
    let clientSecret;
    try {
      clientSecret = realm.clients.resetSecret(clientId, requested as string | undefined, 'body');
    } catch (error) {
      throw invalidMetadata(error);
    }
    send(res, 200, { clientId, clientSecret });
    return;
  }
  if (action === 'revoke') {
    realm.grants.revokeClient(clientId);
    send(res, 204, undefined);
    return;
  }
  throw new OAuthHttpError(404, 'not_found', `no such path ${where}`);
}
