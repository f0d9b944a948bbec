import type { HttpService } from '@nestjs/axios';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { ConfigurationError } from '@m2m-auth/core';

/** What `M2mHttpModule` takes from its optional peers `@nestjs/axios` and `axios`. */
export interface Peers {
  readonly HttpService: typeof HttpService;
  readonly create: (config: AxiosRequestConfig<unknown>) => AxiosInstance;
}

/**
 * Loads the optional peers when a client is created (never when `@m2m-auth/nest/http` is imported).
 *
 * @throws ConfigurationError saying what to install, when either is missing.
 */
export async function loadPeers(): Promise<Peers> {
  try {
    const [nestAxios, axios] = await Promise.all([import('@nestjs/axios'), import('axios')]);
    return { HttpService: nestAxios.HttpService, create: (config) => axios.default.create(config) };
  } catch (err) {
    throw new ConfigurationError(
      'M2mHttpModule needs the optional peer dependencies @nestjs/axios and axios: install them',
      { cause: err },
    );
  }
}
