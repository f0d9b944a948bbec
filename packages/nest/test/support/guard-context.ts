import type { ExecutionContext } from '@nestjs/common';
import type { AuthHttpRequest } from '@m2m-auth/nest';

/** A platform response that records the headers set on it (Node's `setHeader`). */
export interface RecordingResponse {
  headers: Record<string, string>;
  setHeader(name: string, value: string): void;
}

/** What {@link httpContext} hands the guard, to look at afterwards. */
export interface FakeHttp {
  context: ExecutionContext;
  request: AuthHttpRequest;
  response: RecordingResponse;
}

/**
 * A fake HTTP `ExecutionContext` for the handler `handler` of `controller`, so that a guard can be
 * unit-tested with a real `Reflector` and the metadata the decorators set.
 */
export function httpContext(
  controller: abstract new (...args: never[]) => unknown,
  handler: string,
  request: Partial<AuthHttpRequest> = {},
): FakeHttp {
  const req = { headers: {}, method: 'GET', url: '/', ...request } as AuthHttpRequest;
  const response: RecordingResponse = {
    headers: {},
    setHeader(name, value) {
      this.headers[name] = value;
    },
  };
  const method = (controller.prototype as Record<string, unknown>)[handler];
  if (typeof method !== 'function') throw new Error(`no handler ${handler}`);
  const context = {
    getType: () => 'http',
    getClass: () => controller,
    getHandler: () => method,
    getArgs: () => [req, response],
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => response, getNext: () => undefined }),
  } as unknown as ExecutionContext;
  return { context, request: req, response };
}

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
