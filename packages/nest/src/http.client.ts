import type { HttpService } from '@nestjs/axios';
import { ClientCredentials, isTokenSource, type TokenSource } from '@m2m-auth/core';
import { attachTokens } from '@m2m-auth/axios';
import { splitOptions, type M2mHttpClientOptions } from './http.options.js';
import type { Peers } from './http.peers.js';

/** A client's token source, and whether the module owns it. */
export interface OwnedSource {
  readonly source: TokenSource;
  /** Created by the module, so closed by it. */
  readonly owned: boolean;
}

/** The token source of validated options: the one passed in, or a `ClientCredentials` the module owns. */
export function ownedSource({ token }: M2mHttpClientOptions): OwnedSource {
  return isTokenSource(token)
    ? { source: token, owned: false }
    : { source: new ClientCredentials(token), owned: true };
}

/** The `HttpService` of validated options: an axios instance with the `@m2m-auth/axios` interceptors. */
export function createClient(peers: Peers, options: M2mHttpClientOptions, source: TokenSource): HttpService {
  const { attach, axios } = splitOptions(options);
  const instance = peers.create(axios);
  attachTokens(instance, source, attach);
  return new peers.HttpService(instance);
}
