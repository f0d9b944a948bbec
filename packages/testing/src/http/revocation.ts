import { authenticateClient } from './client-auth.js';
import type { RequestContext } from './context.js';
import { OAuthHttpError, readForm, send } from './io.js';

/**
 * RFC 7009 revocation of an access or refresh token by the client it was issued to. Unknown and invalid
 * tokens answer 200, as the RFC says; another client's token is refused.
 */
export async function revocation({ req, res, realm }: RequestContext): Promise<void> {
  const form = await readForm(req);
  const { client } = await authenticateClient(req, form, realm, realm.urls.revocationEndpoint);
  const value = form.get('token');
  if (value === null) throw new OAuthHttpError(400, 'invalid_request', 'token is missing');
  const found = await realm.inspect(value);
  if (found !== undefined) {
    if (found.clientId !== undefined && found.clientId !== client.clientId) {
      throw new OAuthHttpError(400, 'unauthorized_client', 'the token was issued to another client');
    }
    found.revoke();
  }
  send(res, 200, undefined);
}
