import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RealmState } from '../realm.js';

/** One request routed to a realm's endpoint. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly realm: RealmState;
  readonly url: URL;
  /** The token that guards the admin API. */
  readonly adminToken: string;
}
