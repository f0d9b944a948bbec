import { isRecord, type JsonValue } from './lib/json.js';

/**
 * The endpoints of the test issuer, as counted and as targeted by faults. `'discovery'` covers both the
 * OpenID Connect and the RFC 8414 documents; `'admin'` the client-management API.
 *
 * @example
 * ```ts
 * expect(issuer.count('token')).toBe(1);
 * ```
 */
export type IssuerEndpoint = 'discovery' | 'jwks' | 'token' | 'introspection' | 'revocation' | 'admin';

/** Every {@link IssuerEndpoint}. */
export const ISSUER_ENDPOINTS: readonly IssuerEndpoint[] = [
  'discovery',
  'jwks',
  'token',
  'introspection',
  'revocation',
  'admin',
];

/**
 * A forced answer. Without `status`, `body` or `disconnect`, a fault only delays the real answer.
 *
 * @example
 * ```ts
 * issuer.setFault('jwks', { status: 500 });
 * issuer.failNext(2, { endpoint: 'token', status: 429, retryAfter: 1 });
 * issuer.failNext(1, { endpoint: 'token', disconnect: true });
 * ```
 */
export interface Fault {
  /** HTTP status of the forced answer. Default is 503 when `body` is given, else no forced answer. */
  status?: number;
  /**
   * Body of the forced answer: an object or array is sent as JSON, a string as `text/plain`. Default is
   * `{ "error": "temporarily_unavailable", "error_description": "fault injected by the test issuer" }`.
   */
  body?: JsonValue;
  /** Extra response headers. */
  headers?: Readonly<Record<string, string>>;
  /** `Retry-After` header value: seconds, or an HTTP date string. Default is none. */
  retryAfter?: number | string;
  /** Wait this long (in milliseconds) before answering. Default is the endpoint's delay, if any. */
  delay?: number;
  /** Destroy the connection instead of answering (a network error for the caller). Default is `false`. */
  disconnect?: boolean;
  /** Only requests to this realm. Default is every realm. */
  realm?: string;
}

/**
 * A fault for {@link TestIssuer.failNext}.
 *
 * @example
 * ```ts
 * issuer.failNext(3, { endpoint: 'token', status: 503, retryAfter: 2 });
 * ```
 */
export interface FailNextOptions extends Fault {
  /** The endpoint whose next requests fail, or `'any'`. Default is `'token'`. */
  endpoint?: IssuerEndpoint | 'any';
}

/** What to do with one request, resolved from the configured faults. */
export interface ResolvedFault {
  readonly delay: number;
  readonly disconnect: boolean;
  /** The forced answer, or `undefined` to answer normally (after `delay`). */
  readonly answer: { status: number; body: JsonValue; headers: Record<string, string> } | undefined;
}

interface Pending {
  remaining: number;
  readonly endpoint: IssuerEndpoint | 'any';
  readonly fault: Fault;
}

const DEFAULT_BODY: JsonValue = {
  error: 'temporarily_unavailable',
  error_description: 'fault injected by the test issuer',
};

function fail(path: string, message: string): never {
  throw new TypeError(`${path} ${message}`);
}

/** Validates a fault; throws a `TypeError` naming the field. */
export function validateFault(fault: unknown, path: string): Fault {
  if (!isRecord(fault)) fail(path, 'must be an object');
  const { status, delay, retryAfter, disconnect, headers, realm } = fault;
  if (
    status !== undefined &&
    (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599)
  ) {
    fail(`${path}.status`, 'must be an HTTP status code from 200 to 599');
  }
  if (delay !== undefined && (typeof delay !== 'number' || !(delay >= 0) || !Number.isFinite(delay))) {
    fail(`${path}.delay`, 'must be a number of milliseconds, 0 or more');
  }
  if (
    retryAfter !== undefined &&
    !(typeof retryAfter === 'string' || (typeof retryAfter === 'number' && retryAfter >= 0))
  ) {
    fail(`${path}.retryAfter`, 'must be a number of seconds or an HTTP date string');
  }
  if (disconnect !== undefined && typeof disconnect !== 'boolean')
    fail(`${path}.disconnect`, 'must be a boolean');
  if (
    headers !== undefined &&
    (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string'))
  ) {
    fail(`${path}.headers`, 'must be an object of strings');
  }
  if (realm !== undefined && typeof realm !== 'string') fail(`${path}.realm`, 'must be a string');
  return fault;
}

function validateEndpoint(endpoint: unknown, path: string, any: boolean): IssuerEndpoint | 'any' {
  if ((any && endpoint === 'any') || ISSUER_ENDPOINTS.includes(endpoint as IssuerEndpoint)) {
    return endpoint as IssuerEndpoint | 'any';
  }
  return fail(
    path,
    `must be one of ${[...ISSUER_ENDPOINTS, ...(any ? ['any'] : [])].map((e) => `'${e}'`).join(', ')}`,
  );
}

/** Delays, forced answers and one-shot failures, per endpoint; plus request counters. */
export class FaultInjector {
  #pending: Pending[] = [];
  readonly #persistent = new Map<IssuerEndpoint, Fault>();
  readonly #delays = new Map<IssuerEndpoint, number>();
  readonly #counts = new Map<string, number>();

  failNext(n: number, options: FailNextOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) fail('failNext(n)', 'must be a positive whole number');
    const fault = validateFault(options, 'failNext(options)');
    const endpoint = validateEndpoint(options.endpoint ?? 'token', 'failNext(options).endpoint', true);
    this.#pending.push({ remaining: n, endpoint, fault: { ...fault, status: fault.status ?? 503 } });
  }

  setFault(endpoint: IssuerEndpoint, fault: Fault | undefined): void {
    validateEndpoint(endpoint, 'setFault(endpoint)', false);
    if (fault === undefined) {
      this.#persistent.delete(endpoint);
      return;
    }
    this.#persistent.set(endpoint, validateFault(fault, 'setFault(fault)'));
  }

  setDelay(endpoint: IssuerEndpoint, ms: number): void {
    validateEndpoint(endpoint, 'setDelay(endpoint)', false);
    validateFault({ delay: ms }, 'setDelay');
    if (ms === 0) this.#delays.delete(endpoint);
    else this.#delays.set(endpoint, ms);
  }

  reset(): void {
    this.#pending = [];
    this.#persistent.clear();
    this.#delays.clear();
  }

  /** Counts the request and decides what to do with it (consuming a one-shot failure if one matches). */
  take(endpoint: IssuerEndpoint, realm: string | undefined): ResolvedFault {
    this.#counts.set(endpoint, (this.#counts.get(endpoint) ?? 0) + 1);
    const realmKey = `${realm ?? ''}\u0000${endpoint}`;
    this.#counts.set(realmKey, (this.#counts.get(realmKey) ?? 0) + 1);

    const matches = (fault: Fault): boolean => fault.realm === undefined || fault.realm === realm;
    let fault: Fault | undefined;
    const index = this.#pending.findIndex(
      (p) => (p.endpoint === 'any' || p.endpoint === endpoint) && matches(p.fault),
    );
    const pending = this.#pending[index];
    if (pending !== undefined) {
      fault = pending.fault;
      pending.remaining -= 1;
      if (pending.remaining === 0) this.#pending.splice(index, 1);
    } else {
      const persistent = this.#persistent.get(endpoint);
      if (persistent !== undefined && matches(persistent)) fault = persistent;
    }
    const delay = fault?.delay ?? this.#delays.get(endpoint) ?? 0;
    if (fault === undefined) return { delay, disconnect: false, answer: undefined };
    const forced = fault.status !== undefined || fault.body !== undefined;
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    return {
      delay,
      disconnect: fault.disconnect === true,
      answer: forced ? { status: fault.status ?? 503, body: fault.body ?? DEFAULT_BODY, headers } : undefined,
    };
  }

  /** Requests to the endpoint, across realms. */
  count(endpoint: IssuerEndpoint): number {
    return this.#counts.get(endpoint) ?? 0;
  }

  /** Requests to the endpoint of one realm (`undefined` for the plain issuer). */
  countIn(endpoint: IssuerEndpoint, realm: string | undefined): number {
    return this.#counts.get(`${realm ?? ''}\u0000${endpoint}`) ?? 0;
  }

  resetCounts(): void {
    this.#counts.clear();
  }
}
