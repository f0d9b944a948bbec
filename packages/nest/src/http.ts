// `@m2m-auth/nest/http`: outbound calls through `@nestjs/axios`. Its own entry point, so that an app
// that only verifies inbound tokens needs neither `axios` nor `@nestjs/axios`, not even their types.
export { M2mHttpModule } from './http.module.js';
export {
  InjectHttpClient,
  InjectTokenSource,
  getHttpClientToken,
  getTokenSourceToken,
} from './http.decorators.js';
export type {
  M2mHttpModuleOptions,
  M2mHttpModuleAsyncOptions,
  M2mHttpClientOptions,
} from './http.options.js';
