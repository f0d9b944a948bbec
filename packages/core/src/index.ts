// Errors
export { M2mAuthError, ConfigurationError } from './errors/m2m-auth-error.js';
export { AuthError } from './errors/auth-error.js';
export type {
  AuthErrorReason,
  AuthErrorOptions,
  AuthErrorBody,
  AuthErrorResponseOptions,
} from './errors/auth-error.js';
export type {
  AuthErrorCode,
  ConfigurationErrorCode,
  M2mAuthErrorCode,
  StoreErrorCode,
} from './errors/codes.js';
export { isM2mAuthError } from './errors/index.js';
export type { AnyM2mAuthError, AnyOutboundError } from './errors/index.js';

// Inbound: verification
export { createVerifier } from './verify/create-verifier.js';
export type { Verifier, VerifierOptions } from './verify/verifier.js';
export type { RejectionEvent } from './verify/rejection-event.js';
export { resolveVerifierOptions } from './verify/verifier-options.js';
export type { ResolvedVerifierOptions } from './verify/verifier-options.js';
export { authenticate, extractToken } from './verify/authenticate.js';
export type { AuthRequest, AuthenticateInput, AuthenticateOptions } from './verify/authenticate.js';
export { DEFAULT_ALGORITHMS } from './verify/algorithms.js';
export type { AsymmetricAlgorithm } from './verify/algorithms.js';

// Inbound: principal and authorization checks
export type { Principal, TokenClaims } from './principal/principal.js';
export { keycloak, auth0, entra } from './principal/claim-mappers.js';
export type { ClaimMapper, KeycloakMapperOptions } from './principal/claim-mappers.js';
export { checkScopes, checkPermissions, checkClaims } from './principal/checks.js';
export type { ClaimPredicate } from './principal/checks.js';

// Inbound: authorization, the step every adapter maps onto
export { authorize, authorizePrincipal, requirementCheck, defineClaimsCheck } from './authorize/authorize.js';
export type { AuthorizationCheck, AuthorizeRequestOptions, ClaimsPredicate } from './authorize/authorize.js';
export { defineRequirement, resolveRequirement } from './authorize/requirement.js';
export type { Requirement, RequirementValue, RequirementOptions } from './authorize/requirement.js';
export type { MatchMode, RequirementKind } from './authorize/required-values.js';
export { fillRouteTemplate, routeTemplate } from './authorize/route-template.js';
export type { RouteParams } from './authorize/route-template.js';
export {
  checkAdapterOptions,
  resolveAdapterOptions,
  errorAnswer,
  errorForApp,
} from './authorize/adapter-options.js';
export type { AdapterOptions, ResolvedAdapterOptions, ErrorAnswer } from './authorize/adapter-options.js';
export { authorizationHeader } from './authorize/raw-authorization.js';
export { fromNodeRequest } from './authorize/node-request.js';
export type { NodeRequestParts } from './authorize/node-request.js';
export { fromWebRequest, isWebAuthInput } from './authorize/web-request.js';
export type { WebAuthInput } from './authorize/web-request.js';
export { isVerifier, sharedVerifier } from './authorize/shared-verifier.js';

// Outbound
export {
  OutboundError,
  TokenRequestError,
  TokenEndpointCooldownError,
  TokenRequestTimeoutError,
  TokenRequestNetworkError,
  InvalidTokenResponseError,
  TokenDiscoveryError,
  CredentialsUnavailableError,
  TokenSourceClosedError,
} from './errors/index.js';
export type {
  OutboundErrorCode,
  TokenRequestErrorOptions,
  InvalidTokenResponseReason,
} from './errors/index.js';
export type { Token, TokenSource } from './tokens/token-source.js';
export { ClientCredentials } from './tokens/client-credentials.js';
export type { ClientCredentialsOptions } from './tokens/client-credentials.js';
export { RefreshTokenSource } from './tokens/refresh-token-source.js';
export type { RefreshTokenSourceOptions } from './tokens/refresh-token-source.js';
export { StaticToken } from './tokens/static-token.js';
export type { StaticTokenOptions } from './tokens/static-token.js';
export type { ClientAuthMethod, ClientSecret, ClientPrivateKey } from './tokens/client-auth.js';
export type { ExtraParams } from './tokens/request-params.js';
export type { RefreshOptions, RetryOptions } from './tokens/token-cache.js';
export { memoryStore } from './stores/memory-store.js';
export type { MemoryStoreOptions } from './stores/memory-store.js';
export type { TokenStore, StoredToken, ReleaseLock } from './stores/token-store.js';
export { authFetch } from './fetch/auth-fetch.js';
export { rejectsToken, renewRejectedToken } from './fetch/token-rejection.js';
export type { AuthFetchOptions } from './fetch/auth-fetch.js';
export { createOriginPolicy } from './origins/origin-policy.js';
export type { OriginPolicy, OriginPolicyOptions } from './origins/origin-policy.js';
export { isTokenSource } from './origins/is-token-source.js';
export { insecureUrlReason } from './lib/secure-url.js';
export type { InsecureUrlReason } from './lib/secure-url.js';
export { TokenEvents } from './events/token-events.js';
export type { TokenEvent, TokenEventType, TokenEventListener, RefreshReason } from './events/token-events.js';
export type { FetchLike } from './lib/fetch-json.js';
