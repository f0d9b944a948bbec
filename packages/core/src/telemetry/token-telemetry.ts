import type { Attributes, Counter, Histogram, Span } from '@opentelemetry/api';
import type { OutboundError } from '../errors.js';
import type { RefreshReason } from '../events/token-events.js';
import { loadOpenTelemetry, type OpenTelemetry } from './open-telemetry.js';

/** The instrumentation scope of every span and metric of this package. */
export const INSTRUMENTATION_SCOPE = '@m2m-auth/core';

/** How one refresh ended: a new token, another replica's token, the cached token after a failure, or none. */
export type RefreshOutcome = 'success' | 'shared' | 'stale' | 'error';

/** One refresh as seen by telemetry: a span, and its duration when it ends. */
export interface RefreshSpan {
  /** Runs `fn` with the span active, so that HTTP instrumentation nests the token request under it. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** A failed attempt that will be retried after `delay` milliseconds. */
  retry(attempt: number, delay: number, error: OutboundError): void;
  /** Ends the span and records the duration; `error` is the failure, when there was one. */
  end(outcome: RefreshOutcome, error?: unknown): void;
}

/** Starts a {@link RefreshSpan} for each refresh of one token source; `undefined` without OpenTelemetry. */
export interface TokenTelemetry {
  start(refresh: {
    key: string;
    reason: RefreshReason;
    background: boolean;
  }): Promise<RefreshSpan | undefined>;
}

interface Instruments {
  provider: unknown;
  duration: Histogram;
  retries: Counter;
}

let instruments: Instruments | undefined;

/**
 * The instruments of the current global meter provider. The metrics API has no proxy provider: a meter
 * taken before the SDK is registered stays a no-op, so the instruments follow the provider.
 */
function instrumentsOf(api: OpenTelemetry): Instruments {
  const provider = api.metrics.getMeterProvider();
  if (instruments?.provider !== provider) {
    const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
    instruments = {
      provider,
      duration: meter.createHistogram('m2m_auth.token.refresh.duration', {
        description: 'Duration of obtaining an access token from the token endpoint, retries included.',
        unit: 's',
      }),
      retries: meter.createCounter('m2m_auth.token.retries', {
        description: 'Token requests retried after a 5xx answer, a timeout or a network failure.',
        unit: '{retry}',
      }),
    };
  }
  return instruments;
}

function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.name : 'unknown';
}

/** The server of a configured issuer or token endpoint URL, as OpenTelemetry's `server.*` attributes. */
function serverAttributes(endpoint: string): Attributes {
  try {
    const url = new URL(endpoint);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { 'server.address': url.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/**
 * Spans and metrics for the refreshes of one token source, through `@opentelemetry/api` when it is
 * installed (and reported wherever the application's SDK sends them); nothing otherwise.
 *
 * Span `m2m_auth.token.refresh` (kind client): `m2m_auth.refresh.reason`, `m2m_auth.refresh.background`,
 * `m2m_auth.outcome`, `m2m_auth.client_id`, `m2m_auth.cache_key` (a SHA-256 digest), `server.address`,
 * `server.port`, `error.type`; a `retry` event per retried attempt. Metrics: the histogram
 * `m2m_auth.token.refresh.duration` (seconds; `m2m_auth.outcome`, `m2m_auth.refresh.reason`, `error.type`,
 * `server.address`) and the counter `m2m_auth.token.retries` (`error.type`, `server.address`). No token or
 * secret is ever an attribute.
 */
export function tokenTelemetry(source: { endpoint: string; clientId: string }): TokenTelemetry {
  const server = serverAttributes(source.endpoint);
  return {
    async start({ key, reason, background }) {
      const api = await loadOpenTelemetry();
      if (!api) return undefined;
      try {
        return startSpan(api, server, source.clientId, key, reason, background);
      } catch {
        return undefined; // telemetry must never break token delivery
      }
    },
  };
}

function startSpan(
  api: OpenTelemetry,
  server: Attributes,
  clientId: string,
  key: string,
  reason: RefreshReason,
  background: boolean,
): RefreshSpan {
  const { duration, retries } = instrumentsOf(api);
  const started = performance.now();
  const span: Span = api.trace.getTracer(INSTRUMENTATION_SCOPE).startSpan('m2m_auth.token.refresh', {
    kind: api.SpanKind.CLIENT,
    attributes: {
      ...server,
      'm2m_auth.refresh.reason': reason,
      'm2m_auth.refresh.background': background,
      'm2m_auth.client_id': clientId,
      'm2m_auth.cache_key': key,
    },
  });
  let ended = false;
  return {
    run: (fn) => api.context.with(api.trace.setSpan(api.context.active(), span), fn),
    retry(attempt, delay, error) {
      const type = errorType(error);
      span.addEvent('retry', {
        'm2m_auth.retry.attempt': attempt,
        'm2m_auth.retry.delay_ms': delay,
        'error.type': type,
      });
      retries.add(1, { ...server, 'error.type': type });
    },
    end(outcome, error) {
      if (ended) return;
      ended = true;
      const attributes: Attributes = {
        ...server,
        'm2m_auth.outcome': outcome,
        'm2m_auth.refresh.reason': reason,
      };
      span.setAttributes({ 'm2m_auth.outcome': outcome });
      if (error !== undefined) {
        const type = errorType(error);
        attributes['error.type'] = type;
        span.setAttribute('error.type', type);
        // The code only: messages are redacted too, but a span is no place for free text from a server.
        if (outcome === 'error') span.setStatus({ code: api.SpanStatusCode.ERROR, message: type });
      }
      span.end();
      duration.record((performance.now() - started) / 1000, attributes);
    },
  };
}
