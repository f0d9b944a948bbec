import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector, IssuerEndpoint } from '../faults.js';
import type { RealmState } from '../realm.js';
import { admin } from './admin.js';
import type { RequestContext } from './context.js';
import { discovery } from './discovery.js';
import { introspection } from './introspection.js';
import { OAuthHttpError, send, sendError } from './io.js';
import { jwks } from './jwks.js';
import { revocation } from './revocation.js';
import { token } from './token.js';

type Handler = (ctx: RequestContext) => void | Promise<void>;

const HANDLERS: Record<IssuerEndpoint, Handler> = {
  discovery,
  jwks,
  token,
  introspection,
  revocation,
  admin,
};

/** What the router needs from the running issuer. */
export interface RouterOptions {
  /** Read on every request (it is known once the server listens). */
  readonly origin: string;
  readonly realms: readonly RealmState[];
  readonly faults: FaultInjector;
  readonly adminToken: string;
  /** Aborted when the issuer closes: pending delays end and their requests are dropped. */
  readonly signal: AbortSignal;
}

function route(realms: readonly RealmState[], pathname: string): [RealmState, IssuerEndpoint] | undefined {
  for (const realm of realms) {
    const endpoint = realm.routes.get(pathname);
    if (endpoint !== undefined) return [realm, endpoint];
    if (pathname === realm.adminPath || pathname.startsWith(`${realm.adminPath}/`)) return [realm, 'admin'];
  }
  return undefined;
}

/** The request listener of the test issuer: routing, fault injection, error mapping. */
export function createRouter(options: RouterOptions): RequestListener {
  const { realms, faults, adminToken, signal } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', options.origin);
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const found = route(realms, pathname);
    if (found === undefined) {
      send(res, 404, { error: 'not_found', error_description: `no endpoint at ${pathname}` });
      return;
    }
    const [realm, endpoint] = found;
    const fault = faults.take(endpoint, realm.name);
    if (fault.delay > 0) {
      try {
        await sleep(fault.delay, undefined, { signal });
      } catch {
        req.socket.destroy();
        return;
      }
    }
    if (fault.disconnect) {
      req.socket.destroy();
      return;
    }
    if (fault.answer !== undefined) {
      send(res, fault.answer.status, fault.answer.body, fault.answer.headers);
      return;
    }
    await HANDLERS[endpoint]({ req, res, realm, url, adminToken });
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof OAuthHttpError) {
        sendError(res, error);
      } else {
        const reason = error instanceof Error ? error.message : 'unknown error';
        send(res, 500, { error: 'server_error', error_description: `the test issuer failed: ${reason}` });
      }
    });
  };
}
