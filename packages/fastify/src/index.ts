import './augment.js';

export { m2mAuth } from './plugin.js';
export type { M2mAuthPluginOptions, M2mAuthRequestOptions } from './plugin.js';
export { requireAuth } from './authorize.js';
export { requireScope, requirePermission } from './require-scope.js';
export type { RequiredValues, RequireOptions } from './require-scope.js';
export { claimCheck } from './claim-check.js';
export type { ClaimCheckOptions } from './claim-check.js';
export { AuthError } from '@m2m-auth/core';
export type { Principal } from '@m2m-auth/core';
