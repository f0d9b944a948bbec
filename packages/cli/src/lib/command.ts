import type { Io } from '../io.js';

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
