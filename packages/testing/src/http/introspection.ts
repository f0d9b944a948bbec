import type { JsonObject } from '../lib/json.js';
import { authenticateClient } from './client-auth.js';
import type { RequestContext } from './context.js';
import { OAuthHttpError, readForm, send } from './io.js';

/**
 * RFC 7662 introspection, for any authenticated client of the realm. Unknown, expired and revoked tokens,
 * and the tokens of deleted clients, are `{ "active": false }`.
 */
export async function introspection({ req, res, realm }: RequestContext): Promise<void> {
  const form = await readForm(req);
  await authenticateClient(req, form, realm, realm.urls.introspectionEndpoint);
  const value = form.get('token');
  if (value === null) throw new OAuthHttpError(400, 'invalid_request', 'token is missing');
  const found = await realm.inspect(value);
  if (found === undefined) {
    send(res, 200, { active: false });
    return;
  }
  send(res, 200, {
    ...(found.claims as JsonObject),
    active: true,
    token_type: found.kind === 'refresh' ? 'refresh_token' : 'Bearer',
    ...(found.clientId === undefined ? {} : { client_id: found.clientId }),
  });
}
