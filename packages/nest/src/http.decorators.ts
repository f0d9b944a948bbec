import { Inject } from '@nestjs/common';

/** The name of a client registered without one. */
export const DEFAULT_NAME = 'default';

/**
 * The injection token of a client's `HttpService`.
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * const tables = app.get<HttpService>(getHttpClientToken('tables'));
 * ```
 */
export function getHttpClientToken(name: string = DEFAULT_NAME): string {
  return `M2M_AUTH:HTTP_CLIENT:${name}`;
}

/**
 * The injection token of a client's `TokenSource`.
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * const source = app.get<TokenSource>(getTokenSourceToken('tables'));
 * ```
 */
export function getTokenSourceToken(name: string = DEFAULT_NAME): string {
  return `M2M_AUTH:TOKEN_SOURCE:${name}`;
}

/**
 * Injects a client's `HttpService` (from `@nestjs/axios`), whose axios instance carries the
 * `@m2m-auth/axios` interceptors.
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * @Injectable()
 * export class TablesClient {
 *   constructor(@InjectHttpClient('tables') private readonly http: HttpService) {}
 *
 *   list(project: string) {
 *     return firstValueFrom(this.http.get(`/v1/projects/${project}/tables`));
 *   }
 * }
 * ```
 */
export function InjectHttpClient(name: string = DEFAULT_NAME): PropertyDecorator & ParameterDecorator {
  return Inject(getHttpClientToken(name));
}

/**
 * Injects a client's `TokenSource` (to read a token, or subscribe to a `ClientCredentials`' events).
 *
 * @param name The client's name. Default is `'default'`.
 * @example
 * ```ts
 * constructor(@InjectTokenSource('tables') private readonly source: TokenSource) {}
 * ```
 */
export function InjectTokenSource(name: string = DEFAULT_NAME): PropertyDecorator & ParameterDecorator {
  return Inject(getTokenSourceToken(name));
}
