import type * as OpenTelemetryApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as this package uses it. */
export type OpenTelemetry = typeof OpenTelemetryApi;

let loading: Promise<OpenTelemetry | undefined> | undefined;

/**
 * `@opentelemetry/api` when the application has it installed, else `undefined`. Loaded once, on first
 * use, so the package stays loadable (also with `require()`) without it; never throws.
 */
export function loadOpenTelemetry(): Promise<OpenTelemetry | undefined> {
  return (loading ??= import('@opentelemetry/api').then(
    (api: OpenTelemetry) => api,
    () => undefined,
  ));
}
