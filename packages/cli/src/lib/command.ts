import type { ParseArgsConfig } from 'node:util';
import type { Io } from '../io.js';
import { parse } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';

/** What a command runs with. */
export interface Context {
  readonly io: Io;
  /** The clock (milliseconds since the epoch). */
  now(): number;
  /** Registers a secret, for {@link scrub}. */
  redact(secret: string): void;
  /**
   * Text from elsewhere (a server's `error_description`, a library's message) made safe to print: the
   * registered secrets redacted as whole values, or the whole text withheld when it holds a secret too
   * short to redact. A command's own messages are never built from secrets and need no scrubbing.
   */
  readonly scrub: (text: string) => string;
}

/** One `m2m-auth` command. */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command; returns the exit code, or throws a `CliError`. */
  run(args: readonly string[], context: Context): Promise<number>;
}

/** Every command's options: its own, and `-h, --help`. */
type Flags = NonNullable<ParseArgsConfig['options']> & {
  readonly help: { readonly type: 'boolean'; readonly short: 'h' };
};

/** What {@link defineCommand} makes a {@link Command} of. */
export interface CommandSpec<O extends Flags> extends Omit<Command, 'run'> {
  /** The flags, as `parseArgs` takes them (strict). */
  readonly options: O;
  /** Whether the command takes one token as a positional argument. Default is `false`: options only. */
  readonly takesToken?: boolean;
  /** Runs the command on its parsed arguments (never with `--help`); returns the exit code. */
  run(parsed: ReturnType<typeof parse<O>>, context: Context): Promise<number>;
}

/**
 * A command that parses its arguments strictly, prints its help on `-h`/`--help`, and refuses a second
 * token, before it runs.
 */
export function defineCommand<const O extends Flags>(spec: CommandSpec<O>): Command {
  const { name, summary, help, options, takesToken = false } = spec;
  return {
    name,
    summary,
    help,
    async run(args, context) {
      const parsed = parse(args, options, takesToken);
      if ((parsed.values as { help?: boolean }).help) {
        context.io.stdout(help);
        return EXIT_OK;
      }
      if (parsed.positionals.length > 1) throw new UsageError(`${name} takes one token`);
      return spec.run(parsed, context);
    },
  };
}
