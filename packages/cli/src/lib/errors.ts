/** Exit code of a command that did its job. */
export const EXIT_OK = 0;
/** Exit code of a command that failed: a refused token request, an invalid token, an unreachable server. */
export const EXIT_FAILURE = 1;
/** Exit code of a command line that cannot be run: unknown command or flag, a missing or invalid value. */
export const EXIT_USAGE = 2;

/** A failure to report as one line on stderr, with its exit code. Never carries a secret or a token. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A command line that cannot be run: reported with the command's usage, exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}
