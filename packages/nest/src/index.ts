// Inbound
export { M2mAuthModule } from './auth.module.js';
export type { M2mAuthModuleOptions, M2mAuthModuleExtras, M2mAuthRequestOptions } from './auth.options.js';
export { M2mAuthGuard } from './auth.guard.js';
export { RequireScope, ClientPermission } from './auth.guard-factories.js';
export { Public, Scopes, Permissions, Principal } from './auth.decorators.js';
export { M2mAuthException } from './auth.exception.js';
export { M2M_AUTH_OPTIONS, M2M_AUTH_VERIFIER } from './auth.constants.js';
export type {
  Requirement,
  RequirementValue,
  RequirementOptions,
  RequirementArgs,
} from './auth.requirements.js';
export type { AuthHttpRequest } from './auth.request.js';

// Outbound: `M2mHttpModule` and co. are in `@m2m-auth/nest/http` (they need `axios` and `@nestjs/axios`).

export { AuthError } from '@m2m-auth/core';
