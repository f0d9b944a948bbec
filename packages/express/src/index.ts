import './augment.js';

export { requireAuth } from './require-auth.js';
export type { RequireAuthOptions, RequireAuthMiddlewareOptions } from './require-auth.js';
export { requireScope, requirePermission } from './require-scope.js';
export type { RequiredValues, Requirement, RequireOptions } from './require-scope.js';
export { fromRoute } from './from-route.js';
export { claimCheck } from './claim-check.js';
export type { ClaimCheckOptions } from './claim-check.js';
export type { AuthorizeOptions } from './authorize.js';
export type { ResponseOptions } from './respond.js';
export { AuthError } from '@m2m-auth/core';
export type { Principal } from '@m2m-auth/core';
