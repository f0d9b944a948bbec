import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ConfigurationError, type Principal as PrincipalType } from '@m2m-auth/core';
import { PERMISSIONS_KEY, PUBLIC_KEY, SCOPES_KEY } from './auth.constants.js';
import {
  parseRequirement,
  type RequirementArgs,
  type RequirementOptions,
  type RequirementValue,
} from './auth.requirements.js';
import { principalOf } from './auth.contexts.js';

/**
 * Opens a route (or every route of a controller) that the global guard (`forRoot({ protectAllRoutes: true })`)
 * or `@UseGuards(M2mAuthGuard)` would protect. A requirement declared anywhere wins, so nothing is
 * opened by accident: a route that declares `@Scopes`/`@Permissions` (on the handler or on its
 * controller), or uses `RequireScope`/`ClientPermission`, stays protected. A handler's `@Public()`
 * under a controller's `@Scopes`/`@Permissions` cannot open it and is reported: the controller's
 * decorator throws a `ConfigurationError` naming the handler when the class is defined (and should
 * such a route be reached anyway, through a subclass, its requests fail with a `500`); put public
 * routes in a controller without requirements.
 *
 * @example
 * ```ts
 * @Get('health')
 * @Public()
 * health() {
 *   return { ok: true };
 * }
 * ```
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * Requires scopes, checked by the guards of this package (the global guard, `@UseGuards(M2mAuthGuard)`,
 * or a `RequireScope`/`ClientPermission` guard on the route). On a controller and on a handler, both
 * apply; one `@Scopes` per target. Values as in {@link RequireScope}: literals, `'project-{id}'`
 * templates, functions of the request; all required, or one with `{ mode: 'any' }`.
 *
 * @example
 * ```ts
 * @Get('projects/:id/tables')
 * @Scopes('project-{id}')
 * list() {}
 *
 * @Delete('projects/:id')
 * @Scopes(['projects:admin', 'ops'], { mode: 'any' })
 * remove() {}
 * ```
 */
export function Scopes(...scopes: RequirementValue[]): MethodDecorator & ClassDecorator;
export function Scopes(
  scopes: readonly RequirementValue[],
  options?: RequirementOptions,
): MethodDecorator & ClassDecorator;
export function Scopes(...args: RequirementArgs): MethodDecorator & ClassDecorator {
  return requirementDecorator(SCOPES_KEY, '@Scopes', parseRequirement('scope', '@Scopes', args));
}

/**
 * Requires permissions (roles) of the caller, as the verifier's claim mapper fills them. Otherwise as
 * {@link Scopes}.
 *
 * @example
 * ```ts
 * @Post('clients')
 * @Permissions('AdministerClients')
 * create() {}
 *
 * @Get('clients')
 * @Permissions(['AdministerClients', 'ViewClients'], { mode: 'any' })
 * list() {}
 * ```
 */
export function Permissions(...permissions: RequirementValue[]): MethodDecorator & ClassDecorator;
export function Permissions(
  permissions: readonly RequirementValue[],
  options?: RequirementOptions,
): MethodDecorator & ClassDecorator;
export function Permissions(...args: RequirementArgs): MethodDecorator & ClassDecorator {
  return requirementDecorator(
    PERMISSIONS_KEY,
    '@Permissions',
    parseRequirement('permission', '@Permissions', args),
  );
}

/**
 * `SetMetadata(key, requirement)`, which on a controller also refuses, when the class is defined, a
 * handler of it marked `@Public()`: the requirement keeps that handler protected, so the `@Public()`
 * could only mislead. (Method decorators run before class decorators, so the handlers' marks are there.)
 */
function requirementDecorator(
  key: string,
  name: string,
  requirement: ReturnType<typeof parseRequirement>,
): MethodDecorator & ClassDecorator {
  const set = SetMetadata(key, requirement);
  return ((target: object, property?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (property === undefined && typeof target === 'function') {
      refusePublicHandlers(target as abstract new (...args: never[]) => unknown, name);
      return set(target);
    }
    return set(target, property as string | symbol, descriptor as PropertyDescriptor);
  }) as MethodDecorator & ClassDecorator;
}

function refusePublicHandlers(controller: abstract new (...args: never[]) => unknown, name: string): void {
  const prototype = controller.prototype as object;
  for (const method of Object.getOwnPropertyNames(prototype)) {
    const handler = Object.getOwnPropertyDescriptor(prototype, method)?.value as unknown;
    if (method === 'constructor' || typeof handler !== 'function') continue;
    if (Reflect.getMetadata(PUBLIC_KEY, handler) === true) {
      throw new ConfigurationError(
        `@Public() on ${controller.name}.${method} cannot open it: ${name} on its controller keeps every route of it protected; move the handler to a controller without requirements`,
      );
    }
  }
}

/**
 * The verified caller (the `Principal` of `@m2m-auth/core`), so that one import serves the decorator
 * and the type.
 *
 * @example
 * ```ts
 * import { Principal } from '@m2m-auth/nest';
 * handler(@Principal() caller: Principal) {}
 * ```
 */
export type Principal = PrincipalType;

/**
 * The verified caller of the request, as the guards left it: the whole {@link PrincipalType}, or one of
 * its fields (`@Principal('clientId')`). On HTTP routes, GraphQL resolvers, WebSocket gateways (the
 * connection's caller) and microservice handlers alike. `undefined` on a route no guard of this package ran on (or an
 * anonymous request with `optional`).
 *
 * @example
 * ```ts
 * @Get('me')
 * @UseGuards(M2mAuthGuard)
 * me(@Principal() caller: Principal, @Principal('clientId') clientId: string) {
 *   return { clientId, scopes: [...caller.scopes] };
 * }
 * ```
 */
export const Principal: (field?: keyof PrincipalType) => ParameterDecorator = createParamDecorator(
  (field: keyof PrincipalType | undefined, context: ExecutionContext): unknown => {
    const principal = principalOf(context);
    return field === undefined ? principal : principal?.[field];
  },
);
