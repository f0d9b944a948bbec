import type { Io } from '../io.js';

/** What a command runs with. */
export interface Context {
  readonly io: Io;
  /** The clock (milliseconds since the epoch). */
  now(): number;
  /** Registers a secret: it is replaced by `[redacted]` in anything written to stderr from then on. */
  redact(secret: string): void;
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
