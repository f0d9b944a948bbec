import type { RunningProvider } from './oidc-provider.js';

/**
 * A client-credentials access token from the test provider, the client authenticated with
 * `client_secret_post` and the secret `<clientId>-secret` (the tests' convention); a JWT for `resource`.
 */
export async function clientToken(
  op: RunningProvider,
  clientId: string,
  scope: string,
  resource: string,
): Promise<string> {
  const form = { grant_type: 'client_credentials', client_id: clientId, scope, resource };
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({ ...form, client_secret: `${clientId}-secret` }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`no token for ${clientId}: ${JSON.stringify(body)}`);
  return body.access_token;
}
