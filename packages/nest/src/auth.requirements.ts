import type { ExecutionContext } from '@nestjs/common';
import {
  ConfigurationError,
  defineRequirement,
  type Requirement as CoreRequirement,
  type RequirementOptions,
  type RequirementValue as CoreRequirementValue,
} from '@m2m-auth/core';
import type { AuthHttpRequest } from './auth.request.js';

export type { RequirementOptions } from '@m2m-auth/core';

/**
 * One required scope or permission:
 * - a literal, `'AdministerClients'`;
 * - a template filled from the route parameters, `'project-{id}'` for `/projects/:id/tables` (a
 *   `{name}` placeholder is replaced by the parameter `name`; other braces are kept);
 * - a function of the request, returning one value or several.
 *
 * @example
 * ```ts
 * const scope: RequirementValue = (req) => `project-${req.params?.id ?? ''}`;
 * ```
 */
export type RequirementValue = CoreRequirementValue<[request: AuthHttpRequest, context: ExecutionContext]>;

/**
 * The arguments of `RequireScope`, `ClientPermission`, `@Scopes` and `@Permissions`: the values, or an
 * array of them followed by options.
 *
 * @example
 * ```ts
 * const all: RequirementArgs = ['project-{id}', 'tables:read'];
 * const any: RequirementArgs = [['tables:read', 'tables:admin'], { mode: 'any' }];
 * ```
 */
export type RequirementArgs =
  RequirementValue[] | [values: readonly RequirementValue[], options?: RequirementOptions];

/**
 * A requirement as the decorators store it and the guards check it (core's `Requirement`, its
 * functions taking the request and the execution context); what `M2mAuthGuard.getRequirements()`
 * returns, for subclasses.
 *
 * @example
 * ```ts
 * class AuditGuard extends M2mAuthGuard {
 *   protected override getRequirements(context: ExecutionContext): Requirement[] {
 *     return [...super.getRequirements(context), { kind: 'scope', values: ['audit'], mode: 'all', origin: 'AuditGuard' }];
 *   }
 * }
 * ```
 */
export type Requirement = CoreRequirement<[request: AuthHttpRequest, context: ExecutionContext]>;

/**
 * Splits the arguments of a guard factory or decorator into values and options, and has core check
 * them (`defineRequirement`); throws a `ConfigurationError` naming `origin`.
 */
export function parseRequirement(
  kind: Requirement['kind'],
  origin: string,
  args: readonly unknown[],
): Requirement {
  if (!Array.isArray(args[0])) return defineRequirement(kind, origin, args as RequirementValue[]);
  if (args.length > 2) {
    throw new ConfigurationError(`${origin}: pass the values, or an array of values and options`);
  }
  return defineRequirement(kind, origin, args[0] as RequirementValue[], args[1] as RequirementOptions);
}
