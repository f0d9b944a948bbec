import type { Io } from '../io.js';
import { CliError, UsageError } from './errors.js';

/**
 * The token from the command line, or from stdin when it is `-` or absent (and something is piped).
 * Surrounding whitespace and a leading `Bearer ` are dropped, so a pasted header value works too.
 */
export async function readToken(argument: string | undefined, io: Io): Promise<string> {
  let raw = argument;
  if (raw === undefined || raw === '-') {
    const piped = await io.readStdin(
      'm2m-auth: waiting for the token on stdin (end it with Ctrl+D, or close the pipe; or give the token as an argument)',
    );
    if (piped === undefined) {
      throw new UsageError("give the token as an argument, or pipe it on stdin (with '-' or no argument)");
    }
    raw = piped;
  }
  const token = raw.trim().replace(/^bearer\s+/i, '');
  if (token === '') {
    throw new CliError(
      argument === undefined || argument === '-' ? 'stdin held no token' : 'the token is empty',
    );
  }
  return token;
}
