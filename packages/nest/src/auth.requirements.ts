import type { ExecutionContext } from '@nestjs/common';
import { ConfigurationError, type MatchMode } from '@m2m-auth/core';
import type { AuthHttpRequest } from './auth.request.js';

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
export type RequirementValue =
  string | ((request: AuthHttpRequest, context: ExecutionContext) => string | readonly string[]);

/**
 * Options of the requirement guards and decorators.
 *
 * @example
 * ```ts
 * @UseGuards(RequireScope(['tables:read', 'tables:admin'], { mode: 'any' }))
 * ```
 */
export interface RequirementOptions {
  /** Whether every listed value is required (`all`) or one is enough (`any`). Default is `all`. */
  mode?: MatchMode;
}

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
 * A requirement as the decorators store it and the guards check it; what
 * `M2mAuthGuard.getRequirements()` returns, for subclasses.
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
export interface Requirement {
  readonly kind: 'scope' | 'permission';
  readonly values: readonly RequirementValue[];
  readonly mode: MatchMode;
  /** The decorator or guard that declared it, for error messages. */
  readonly origin: string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Validates and normalizes requirement arguments; throws a `ConfigurationError` naming `origin`. */
export function parseRequirement(
  kind: Requirement['kind'],
  origin: string,
  args: readonly unknown[],
): Requirement {
  let values: readonly unknown[];
  let options: unknown;
  if (Array.isArray(args[0])) {
    if (args.length > 2) {
      throw new ConfigurationError(`${origin}: pass the values, or an array of values and options`);
    }
    values = args[0] as unknown[];
    options = args[1];
  } else {
    values = args;
  }
  if (values.length === 0) throw new ConfigurationError(`${origin}: name at least one ${kind}`);
  for (const value of values) {
    if (!(typeof value === 'string' && value.trim() !== '') && typeof value !== 'function') {
      throw new ConfigurationError(`${origin}: each ${kind} must be a non-empty string or a function`);
    }
    if (typeof value === 'string' && /\s/.test(value)) {
      throw new ConfigurationError(`${origin}: ${kind} '${value}' contains whitespace`);
    }
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ConfigurationError(`${origin}: options must be an object`);
  }
  const mode = (options as RequirementOptions | undefined)?.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') {
    throw new ConfigurationError(`${origin}: options.mode must be 'all' or 'any'`);
  }
  return { kind, values: [...(values as RequirementValue[])], mode, origin };
}

/** Fills `{name}` placeholders from the route parameters. */
export function fillTemplate(template: string, request: AuthHttpRequest, origin: string): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = request.params?.[name];
    if (typeof value !== 'string' || value === '') {
      throw new ConfigurationError(`${origin}: the route has no parameter '${name}' for '${template}'`);
    }
    return value;
  });
}

/** The values a request must satisfy, with functions called and templates filled. */
export function resolveValues(
  requirement: Requirement,
  request: AuthHttpRequest,
  context: ExecutionContext,
): string[] {
  const resolved: string[] = [];
  for (const value of requirement.values) {
    if (typeof value === 'function') {
      const out = value(request, context);
      const list: readonly unknown[] = typeof out === 'string' ? [out] : Array.isArray(out) ? out : [];
      if (list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
        throw new ConfigurationError(
          `${requirement.origin}: a ${requirement.kind} function must return a non-empty string or array of them`,
        );
      }
      resolved.push(...(list as string[]));
    } else {
      resolved.push(fillTemplate(value, request, requirement.origin));
    }
  }
  return resolved;
}
