import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

interface ParseArgsError {
  code: string;
  message: string;
}

function isParseArgsError(error: unknown): error is ParseArgsError {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Flags that people try, and why they are not there. */
const REFUSED: Record<string, string> = {
  '--client-secret':
    'there is no --client-secret: arguments end up in shell history and process lists; pipe the secret on stdin or name an environment variable with --client-secret-env',
};

/**
 * `parseArgs` in strict mode, its errors turned into {@link UsageError}s that never repeat a positional
 * argument (it could be a secret typed in the wrong place).
 */
export function parse<const O extends Options>(
  args: readonly string[],
  options: O,
  allowPositionals: boolean,
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    switch (error.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
        const flag = /'([^']+)'/.exec(error.message)?.[1] ?? 'an option';
        throw new UsageError(REFUSED[flag] ?? `unknown option '${flag}'`);
      }
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new UsageError(
          allowPositionals ? 'too many arguments' : 'unexpected argument: this command takes only options',
        );
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const flag = /'(--?[A-Za-z-]+)/.exec(error.message)?.[1];
        throw new UsageError(flag === undefined ? 'an option is missing its value' : `${flag} needs a value`);
      }
      default:
        throw new UsageError(error.message.split('\n')[0] ?? 'invalid arguments');
    }
  }
}

/** The value of a required string option, or a {@link UsageError} naming it. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** Values of a repeatable option, each split on whitespace (`--scope "a b"` is two scopes). */
export function words(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/\s+/)).filter((word) => word !== '');
}
