/**
 * The outbound side of m2m-auth in the style of Imply Polaris: a client-credentials token scoped to one
 * project (`scope=project-<id>`, `client_secret_post`), then the project's tables through `authFetch`,
 * which attaches the token, refreshes it before it expires, and on a `401` drops it and retries once
 * with a new one.
 */
import { authFetch, ClientCredentials } from '@m2m-auth/core';

export interface OutboundClientOptions {
  /** The issuer, e.g. `https://id.example/auth/realms/acme` (its token endpoint is discovered). */
  issuer: string;
  clientId: string;
  /** The client secret; never logged. */
  clientSecret: string;
  /** The API's base URL, e.g. `https://acme.api.example`; the token is sent to this origin only. */
  apiUrl: string;
  /** The project whose tables to list; the token asks for the scope `project-<id>`. */
  project: string;
}

/** What the Tables API answers for `GET /v1/projects/{id}/tables`. */
export interface TableList {
  project: string;
  tables: string[];
  caller?: string;
}

/** A client of the Tables API; `close()` it when done. */
export interface OutboundClient {
  /** Lists the tables of the project, with a project-scoped token. Throws on any answer other than 200. */
  listTables(): Promise<TableList>;
  /** Stops the token source. */
  close(): void;
}

/** Thrown when the API answers something other than `200`; carries the status, never the token. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, body: string) {
    super(`the Tables API answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * Creates an outbound client of the Tables API.
 *
 * @example
 * ```ts
 * const client = createOutboundClient({
 *   issuer: 'https://id.example/auth/realms/acme',
 *   clientId: 'MPS-test',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   apiUrl: 'https://acme.api.example',
 *   project: '45c0',
 * });
 * console.log(await client.listTables()); // { project: '45c0', tables: [...] }
 * client.close();
 * ```
 */
export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const api = new URL(options.apiUrl);
  // Resolve API paths under the base URL's path (https://host/prefix/ + v1/…).
  const base = api.href.endsWith('/') ? api.href : `${api.href}/`;
  const source = new ClientCredentials({
    issuer: options.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    clientAuth: 'client_secret_post',
    scope: `project-${options.project}`,
  });
  // The token goes to the API's origin only; a 401 drops it and retries once with a new one.
  const apiFetch = authFetch(source, { origins: [api.origin] });

  return {
    async listTables() {
      const url = new URL(`v1/projects/${encodeURIComponent(options.project)}/tables`, base);
      const response = await apiFetch(url, { headers: { accept: 'application/json' } });
      if (response.status !== 200) throw new ApiError(response.status, await response.text());
      return (await response.json()) as TableList;
    },
    close: () => source.close(),
  };
}
