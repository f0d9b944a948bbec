import { mixin, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { M2mAuthGuard } from './auth.guard.js';
import {
  parseRequirement,
  type Requirement,
  type RequirementArgs,
  type RequirementOptions,
  type RequirementValue,
} from './auth.requirements.js';

/** A subclass of {@link M2mAuthGuard} that checks `requirement` before the route's own. */
function requirementGuard(requirement: Requirement): Type<CanActivate> {
  class RequirementGuard extends M2mAuthGuard {
    protected override getRequirements(context: ExecutionContext): Requirement[] {
      return [requirement, ...super.getRequirements(context)];
    }
  }
  return mixin(RequirementGuard);
}

/**
 * A guard requiring scopes of the caller's token (exact match: `project-X2` does not satisfy
 * `project-X`); a missing one answers `403 insufficient_scope` with `scope="…"`. It authenticates the
 * request when no guard has yet, and also enforces the route's `@Scopes`/`@Permissions`; `@Public()`
 * does not open it.
 *
 * Values are literals, templates filled from the route parameters (`'project-{id}'`), or functions of
 * the request. Every value is required; `RequireScope([a, b], { mode: 'any' })` requires one.
 *
 * @example
 * ```ts
 * @Get('projects/:id/tables')
 * @UseGuards(RequireScope('project-{id}'))
 * list(@Param('id') id: string) {}
 *
 * @UseGuards(RequireScope(['tables:read', 'tables:admin'], { mode: 'any' }))
 * ```
 */
export function RequireScope(...scopes: RequirementValue[]): Type<CanActivate>;
export function RequireScope(
  scopes: readonly RequirementValue[],
  options?: RequirementOptions,
): Type<CanActivate>;
export function RequireScope(...args: RequirementArgs): Type<CanActivate> {
  return requirementGuard(parseRequirement('scope', 'RequireScope', args));
}

/**
 * A guard requiring permissions (roles) of the calling client, as the verifier's claim mapper fills
 * them (`keycloak({ clientId })` reads the client roles of `resource_access`); a missing one answers
 * `403 insufficient_scope`. Otherwise as {@link RequireScope}.
 *
 * @example
 * ```ts
 * @Post('clients')
 * @UseGuards(ClientPermission('AdministerClients'))
 * create(@Principal() caller: PrincipalType) {}
 * ```
 */
export function ClientPermission(...permissions: RequirementValue[]): Type<CanActivate>;
export function ClientPermission(
  permissions: readonly RequirementValue[],
  options?: RequirementOptions,
): Type<CanActivate>;
export function ClientPermission(...args: RequirementArgs): Type<CanActivate> {
  return requirementGuard(parseRequirement('permission', 'ClientPermission', args));
}
