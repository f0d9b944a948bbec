import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AuthError,
  ConfigurationError,
  authenticate,
  authorizePrincipal,
  requirementCheck,
  resolveAdapterOptions,
  type Principal,
  type ResolvedAdapterOptions,
  type Verifier,
} from '@m2m-auth/core';
import {
  M2M_AUTH_OPTIONS,
  M2M_AUTH_VERIFIER,
  PERMISSIONS_KEY,
  PUBLIC_KEY,
  SCOPES_KEY,
} from './auth.constants.js';
import { contextTypeOf, paramsOf, requestOf } from './auth.contexts.js';
import { M2mAuthException, setResponseHeaders } from './auth.exception.js';
import type { M2mAuthModuleOptions } from './auth.options.js';
import type { Requirement } from './auth.requirements.js';
import { authenticationOf, setAuthentication, toAuthRequest, type AuthHttpRequest } from './auth.request.js';
import { transportException } from './auth.transport-exceptions.js';

/**
 * Authenticates the request with the module's verifier (once per request, whichever guard comes
 * first), leaves the caller in `request.auth` (read it with `@Principal()`), and enforces the
 * `@Scopes(…)` and `@Permissions(…)` of the handler and its controller. `@Public()` opens a route that
 * declares no requirement, on the handler or its controller: a requirement declared anywhere wins (a
 * handler's `@Public()` under a controller's `@Scopes` is refused with a `500` naming it, see
 * {@link M2mAuthGuard.refusePublicOverride}). Registered for every route with `M2mAuthModule.forRoot({ protectAllRoutes: true })`,
 * or per controller with `@UseGuards(M2mAuthGuard)`.
 *
 * Works on HTTP routes, GraphQL resolvers (the HTTP request from the GraphQL context), WebSocket
 * gateways (the token of the connection's handshake, verified once per connection and again once it
 * has expired) and microservice handlers (the token from gRPC metadata, TCP/Redis packet metadata, or
 * the message headers of NATS, RabbitMQ, Kafka and MQTT): see `auth.contexts.ts`.
 *
 * Failures become an {@link M2mAuthException} (an `HttpException`) with the status, RFC 6750 challenge
 * and JSON body of `@m2m-auth/express` on HTTP; a `GraphQLError`, `WsException` or `RpcException`
 * elsewhere (see `transportException`). Other context types are refused unless a subclass overrides
 * {@link M2mAuthGuard.canActivateOther}.
 *
 * Meant to be subclassed: `getRequest`, `getResponse`, `isPublic`, `getRequirements`, `authorize`,
 * `createException` and `canActivateOther` are `protected`.
 *
 * @example
 * ```ts
 * @Controller('v1/tables')
 * @UseGuards(M2mAuthGuard)
 * export class TablesController {
 *   @Get()
 *   @Scopes('tables:read')
 *   list(@Principal() caller: PrincipalType) {
 *     return { caller: caller.clientId };
 *   }
 * }
 *
 * // A subclass for GraphQL, say:
 * class GqlAuthGuard extends M2mAuthGuard {
 *   protected override getRequest(context: ExecutionContext) {
 *     return GqlExecutionContext.create(context).getContext().req;
 *   }
 * }
 * ```
 */
@Injectable()
export class M2mAuthGuard implements CanActivate {
  /** The module's request and response options, resolved by core (`realm` defaulted). */
  readonly #resolved: ResolvedAdapterOptions<AuthHttpRequest>;

  constructor(
    @Inject(Reflector) protected readonly reflector: Reflector,
    @Inject(M2M_AUTH_VERIFIER) protected readonly verifier: Verifier,
    @Inject(M2M_AUTH_OPTIONS) protected readonly options: M2mAuthModuleOptions,
  ) {
    this.#resolved = resolveAdapterOptions(options, verifier, 'M2mAuthGuard');
  }

  /** Lets the request through, or throws an {@link M2mAuthException}. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = contextTypeOf(context);
    if (type === undefined) return this.canActivateOther(context);
    const requirements = this.getRequirements(context);
    if (this.isPublic(context)) {
      if (requirements.length === 0) return true;
      this.refusePublicOverride(context);
    }
    const request = this.getRequest(context);
    const checks = requirements.map(
      (requirement) => (principal: Principal) => this.authorize(principal, requirement, request, context),
    );
    try {
      // Core decides: the anonymous rule, the checks, and the reporting of each rejection.
      authorizePrincipal(this.verifier, await this.authenticate(request), checks);
      return true;
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      if (type === 'http') throw this.createException(err, context);
      const body = this.options.errorBody?.(err, request) ?? { ...err.toJSON() };
      throw await transportException(type, err, body, context);
    }
  }

  /**
   * Authenticates the request, or returns the result of the guard that already did. Resolves to
   * `undefined` for an anonymous request when the module's `optional` is set.
   */
  protected authenticate(request: AuthHttpRequest): Promise<Principal | undefined> {
    const done = authenticationOf(request);
    if (done) return done;
    const options = this.#resolved.authentication;
    const pending = authenticate(this.verifier, toAuthRequest(request), options).then((principal) => {
      request.auth = principal;
      return principal;
    });
    setAuthentication(request, pending);
    return pending;
  }

  /**
   * The platform request (Express `Request` or `FastifyRequest`); for the other contexts, what stands
   * for it (see `requestOf`: the GraphQL context's request, the WebSocket handshake, the RPC metadata).
   */
  protected getRequest(context: ExecutionContext): AuthHttpRequest {
    return requestOf(context, contextTypeOf(context) ?? 'http', this.#now());
  }

  /** The platform response (Express `Response` or `FastifyReply`), where the headers are set. */
  protected getResponse(context: ExecutionContext): unknown {
    return context.switchToHttp().getResponse<unknown>();
  }

  /** Whether `@Public()` marks the handler or its controller. */
  protected isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  /**
   * A handler marked `@Public()` under a controller that declares `@Scopes`/`@Permissions`: a
   * requirement declared anywhere keeps the route protected, so `@Public()` there cannot do what it
   * says. `@Scopes`/`@Permissions` on the controller already refuse this when the class is defined; for
   * what they cannot see (the requirement on a base class), the request fails with a
   * `ConfigurationError` (a `500`, logged by Nest) that names the handler, rather than a silent `401`. A `@Public()` controller whose handler declares a requirement is not
   * a conflict: the handler is protected, as it asks.
   */
  protected refusePublicOverride(context: ExecutionContext): void {
    const onHandler = this.reflector.get<boolean | undefined>(PUBLIC_KEY, context.getHandler()) === true;
    if (!onHandler) return;
    const declared = [SCOPES_KEY, PERMISSIONS_KEY].some(
      (key) => this.reflector.get<Requirement | undefined>(key, context.getClass()) !== undefined,
    );
    if (!declared) return;
    const where = `${context.getClass().name}.${context.getHandler().name}`;
    throw new ConfigurationError(
      `@Public() on ${where} cannot open it: its controller declares @Scopes/@Permissions, which keep every route of it protected; move the handler to a controller without them`,
    );
  }

  /** The requirements of the route: `@Scopes` and `@Permissions` of the controller and the handler. */
  protected getRequirements(context: ExecutionContext): Requirement[] {
    const targets = [context.getClass(), context.getHandler()];
    const found: Requirement[] = [];
    for (const key of [SCOPES_KEY, PERMISSIONS_KEY]) {
      for (const target of targets) {
        const requirement = this.reflector.get<Requirement | undefined>(key, target);
        if (requirement) found.push(requirement);
      }
    }
    return found;
  }

  /** Checks one requirement; throws an `AuthError` (403 `insufficient_scope`) when it is not met. */
  protected authorize(
    principal: Principal,
    requirement: Requirement,
    request: AuthHttpRequest,
    context: ExecutionContext,
  ): void {
    const params = paramsOf(context, contextTypeOf(context) ?? 'http', request);
    requirementCheck(requirement, [request, context], params)(principal);
  }

  /**
   * Turns a rejection into the exception to throw, and sets its headers on the platform response so
   * that Nest's exception filter sends them.
   */
  protected createException(error: AuthError, context: ExecutionContext): M2mAuthException {
    const request = this.getRequest(context);
    const body = this.options.errorBody?.(error, request);
    const exception = new M2mAuthException(error, this.#resolved.realm, body);
    setResponseHeaders(this.getResponse(context), exception.headers);
    return exception;
  }

  /** The verifier's clock (its `now` option), for the expiry of WebSocket connections. */
  #now(): number {
    const now: unknown = (this.options as { now?: unknown }).now;
    return typeof now === 'function' ? (now as () => number)() : Date.now();
  }

  /**
   * The answer for a context that is neither HTTP, GraphQL, WebSocket nor RPC (a custom transport).
   * Default is `false`: refused.
   */
  protected canActivateOther(_context: ExecutionContext): boolean | Promise<boolean> {
    return false;
  }
}
