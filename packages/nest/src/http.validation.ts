import {
  ClientCredentials,
  ConfigurationError,
  createOriginPolicy,
  isTokenSource,
  type ClientCredentialsOptions,
} from '@m2m-auth/core';
import { DEFAULT_NAME } from './http.decorators.js';
import { splitOptions, type M2mHttpClientOptions } from './http.options.js';

/** Prefixes a `ConfigurationError` from a lower layer with where the options were given. */
function rethrow(err: unknown, prefix: string): never {
  if (err instanceof ConfigurationError) throw new ConfigurationError(`${prefix}${err.message}`);
  throw err;
}

/**
 * A client's `name`: `'default'` when not given.
 *
 * @param where Where the options were given (`M2mHttpModule.register`), for the message.
 * @throws ConfigurationError when it is not a non-empty string.
 */
export function checkName(name: unknown, where: string): string {
  if (name === undefined) return DEFAULT_NAME;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(`${where}: name must be a non-empty string`);
  }
  return name;
}

/**
 * Validates `ClientCredentials` options without any network, by building (and closing) a source: the
 * one place to switch to core's option resolver once there is one.
 */
function checkTokenOptions(token: ClientCredentialsOptions, where: string): void {
  try {
    new ClientCredentials(token).close();
  } catch (err) {
    rethrow(err, `${where}: token: `);
  }
}

/**
 * Validates a client's options, all of them and without any network: the token source's, `baseURL`,
 * and the origins as `attachTokens` will check them (core's origin policy).
 *
 * @param where Where the options were given, to prefix every message with.
 * @throws ConfigurationError naming the option.
 */
export function checkClient(options: unknown, where: string): asserts options is M2mHttpClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`${where}: options must be an object`);
  }
  const o = options as Partial<M2mHttpClientOptions>;
  if (typeof o.token !== 'object' || o.token === null) {
    throw new ConfigurationError(`${where}: token must be ClientCredentials options or a TokenSource`);
  }
  if (!isTokenSource(o.token)) checkTokenOptions(o.token, where);
  if (o.baseURL !== undefined) {
    if (typeof o.baseURL !== 'string' || !URL.canParse(o.baseURL)) {
      throw new ConfigurationError(`${where}: baseURL must be an absolute URL`);
    }
  }
  if (o.origins === undefined && o.anyOrigin !== true && o.baseURL === undefined) {
    throw new ConfigurationError(`${where}: pass origins (or anyOrigin: true), or a baseURL`);
  }
  try {
    createOriginPolicy(splitOptions(o as M2mHttpClientOptions).attach);
  } catch (err) {
    // Origins taken from baseURL: say so, since the user never wrote `origins`.
    const fromBase = o.origins === undefined && o.anyOrigin !== true;
    rethrow(
      err,
      fromBase ? `${where}: baseURL ${new URL(o.baseURL!).origin} cannot get the token: ` : `${where}: `,
    );
  }
}
