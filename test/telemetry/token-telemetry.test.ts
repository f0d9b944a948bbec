/**
 * OpenTelemetry through `@opentelemetry/api`: a real SDK (tracer and meter providers, async-hooks context
 * manager) records what token sources do against the embedded issuer over real HTTP.
 */
import { context, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import {
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientCredentials,
  ConfigurationError,
  type ClientCredentialsOptions,
  type StoredToken,
  type TokenStore,
} from '@m2m-auth/core';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';

class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const SECRET = 'telemetry-secret-0123456789';
const spans = new InMemorySpanExporter();
const reader = new CollectingReader();
let issuer: TestIssuer;
const sources: ClientCredentials[] = [];

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  issuer = await startTestIssuer({
    clients: [
      { clientId: 'svc', clientSecret: SECRET, scopes: ['read'] },
      { clientId: 'short', clientSecret: SECRET, scopes: ['read'], tokenLifetime: 4 },
    ],
  });
});

afterEach(async () => {
  for (const source of sources.splice(0)) source.close();
  spans.reset();
  await reader.collect(); // drains nothing (cumulative), but keeps each test's reads independent of timing
  issuer.resetFaults();
});

afterAll(async () => {
  await issuer?.close();
});

function source(options: Partial<ClientCredentialsOptions> = {}): ClientCredentials {
  const created = new ClientCredentials({
    issuer: issuer.issuer,
    clientId: 'svc',
    clientSecret: SECRET,
    scope: 'read',
    retry: { minDelay: 10, maxDelay: 20 },
    ...options,
  });
  sources.push(created);
  return created;
}

function refreshSpans(): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === 'm2m_auth.token.refresh');
}

async function metric<T extends HistogramMetricData | SumMetricData>(name: string): Promise<T | undefined> {
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics) {
    if (scope.scope.name !== '@m2m-auth/core') continue;
    const found = scope.metrics.find((m) => m.descriptor.name === name);
    if (found) return found as T;
  }
  return undefined;
}

/** Every attribute value of every span and data point, to look for leaks. */
async function everyAttributeValue(): Promise<string[]> {
  const values = spans
    .getFinishedSpans()
    .flatMap((span) => [
      ...Object.values(span.attributes),
      ...span.events.flatMap((event) => Object.values(event.attributes ?? {})),
      span.status.message ?? '',
    ]);
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const m of scope.metrics) {
      for (const point of m.dataPoints) values.push(...Object.values(point.attributes));
    }
  }
  return values.map(String);
}

describe('OpenTelemetry', () => {
  it('records one client span per token request, with the outcome and the server, never the token', async () => {
    const token = await source().getToken();
    const [span, ...others] = refreshSpans();
    expect(others).toEqual([]);
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.instrumentationScope.name).toBe('@m2m-auth/core');
    expect(span?.attributes).toMatchObject({
      'm2m_auth.refresh.reason': 'missing',
      'm2m_auth.refresh.background': false,
      'm2m_auth.outcome': 'success',
      'm2m_auth.client_id': 'svc',
      'server.address': '127.0.0.1',
      'server.port': issuer.port,
    });
    expect(span?.attributes['m2m_auth.cache_key']).toMatch(/^m2m-auth:cc:[0-9a-f]{64}$/);
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);

    const duration = await metric<HistogramMetricData>('m2m_auth.token.refresh.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const point = duration?.dataPoints.find((p) => p.attributes['m2m_auth.outcome'] === 'success');
    expect(point?.value.count).toBe(1);
    expect(point?.value.sum).toBeGreaterThan(0);

    const values = await everyAttributeValue();
    expect(values.some((v) => v.includes(token.value) || v.includes(SECRET))).toBe(false);
  });

  it('records nothing more for cached tokens: 20 calls, one span', async () => {
    const cached = source();
    for (let i = 0; i < 20; i++) await cached.getToken();
    expect(refreshSpans()).toHaveLength(1);
  });

  it('runs the token request inside the span, so HTTP instrumentation nests under it', async () => {
    const seen: (string | undefined)[] = [];
    const traced = source({
      fetch: (input, init) => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
        return fetch(input, init);
      },
    });
    await traced.getToken();
    const [span] = refreshSpans();
    expect(seen.length).toBeGreaterThan(0); // discovery and the token request
    expect(seen.every((id) => id === span?.spanContext().spanId)).toBe(true);
  });

  it('adds a retry event and counts the retry when the endpoint answers 500 once', async () => {
    issuer.failNext(1, { endpoint: 'token', status: 500 });
    await source().getToken();
    const [span] = refreshSpans();
    expect(span?.attributes['m2m_auth.outcome']).toBe('success');
    expect(span?.events.map((e) => [e.name, e.attributes?.['error.type']])).toEqual([
      ['retry', 'token_request_failed'],
    ]);
    const retries = await metric<SumMetricData>('m2m_auth.token.retries');
    expect(retries?.dataPoints.reduce((sum, p) => sum + p.value, 0)).toBe(1);
  });

  it('marks a refused request as an error with its code, and nothing of the secret', async () => {
    await expect(source({ clientSecret: 'wrong-secret-0123456789' }).getToken()).rejects.toMatchObject({
      error: 'invalid_client',
    });
    const [span] = refreshSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'token_request_failed' });
    expect(span?.attributes).toMatchObject({
      'm2m_auth.outcome': 'error',
      'error.type': 'token_request_failed',
    });
    const duration = await metric<HistogramMetricData>('m2m_auth.token.refresh.duration');
    const errors = duration?.dataPoints.filter((p) => p.attributes['m2m_auth.outcome'] === 'error') ?? [];
    expect(errors.map((p) => p.attributes['error.type'])).toEqual(['token_request_failed']);
    const values = await everyAttributeValue();
    expect(values.some((v) => v.includes('wrong-secret') || v.includes(SECRET))).toBe(false);
  });

  it("marks a failed background refresh that keeps serving the cached token as 'stale'", async () => {
    // A 4-second token with a 2-second refresh buffer: refresh-ahead from 2 s on, 2 s before expiry.
    const short = source({ clientId: 'short', retry: false, refresh: { fraction: 0.5, jitter: 0 } });
    const first = await short.getToken();
    issuer.failNext(5, { endpoint: 'token', status: 500 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await short.getToken()).value).toBe(first.value);
    await expect.poll(() => refreshSpans().length, { timeout: 5000 }).toBe(2);
    const background = refreshSpans()[1];
    expect(background?.attributes).toMatchObject({
      'm2m_auth.refresh.reason': 'ahead',
      'm2m_auth.refresh.background': true,
      'm2m_auth.outcome': 'stale',
      'error.type': 'token_request_failed',
    });
  });

  it('ends the span when the source is closed while another replica holds the lock', async () => {
    // A shared store whose lock is always taken by "another replica" that never stores a token.
    const entries = new Map<string, StoredToken>();
    const store: TokenStore = {
      get: async (key) => entries.get(key),
      set: async (key, value) => void entries.set(key, value),
      delete: async (key) => entries.delete(key),
      lock: async () => undefined,
    };
    const waiting = source({ store });
    const before = issuer.count('token');
    const pending = waiting.getToken().catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling the store for the other's token
    waiting.close();
    expect(await pending).toMatchObject({ code: 'token_source_closed' });
    expect(issuer.count('token')).toBe(before);
    const [span] = refreshSpans();
    expect(span?.attributes).toMatchObject({
      'm2m_auth.outcome': 'error',
      'error.type': 'token_source_closed',
    });
  });

  it('records nothing with telemetry: false', async () => {
    await source({ telemetry: false }).getToken();
    expect(refreshSpans()).toEqual([]);
  });

  it('refuses a telemetry option that is not a boolean', () => {
    expect(() => source({ telemetry: 'yes' as unknown as boolean })).toThrow(ConfigurationError);
    expect(() => source({ telemetry: 'yes' as unknown as boolean })).toThrow(/telemetry must be a boolean/);
  });
});
