import { readFileSync } from 'node:fs';
import { decodeCommand } from './commands/decode.js';
import { issuerCommand } from './commands/issuer.js';
import { tokenCommand } from './commands/token.js';
import { verifyCommand } from './commands/verify.js';
import type { Io } from './io.js';
import type { Command, Context } from './lib/command.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './lib/errors.js';
import { Redactor } from './lib/redact.js';

const COMMANDS: readonly Command[] = [tokenCommand, decodeCommand, verifyCommand, issuerCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: m2m-auth <command> [options]

OAuth 2.0 bearer tokens from the terminal.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help ('m2m-auth <command> --help' for a command's)
  -v, --version  show the version

Exit codes: 0 success, 1 failure, 2 bad command line.
`;
}

function version(): string {
  // src/ and dist/ are both one level below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/**
 * Runs `m2m-auth` with `argv` (without the node and script paths) and returns the exit code: 0 success,
 * 1 failure, 2 bad command line. Never throws: every failure becomes one line on `io.stderr`, without a
 * stack trace, a secret or a token.
 *
 * @example
 * ```ts
 * import { main, processIo } from '@m2m-auth/cli';
 *
 * const io = processIo();
 * process.exitCode = await main(['decode', token], io);
 * io.close();
 * ```
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === args[0]) : undefined;
    io.stdout(topic?.help ?? help());
    return EXIT_OK;
  }
  if (name === '-v' || name === '--version') {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  if (name === undefined) {
    io.stderr(help());
    return EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
    io.stderr(`m2m-auth: ${what}\n\n${help()}`);
    return EXIT_USAGE;
  }

  const secrets = new Redactor();
  const context: Context = {
    io,
    now: () => (io.now ? io.now() : Date.now()),
    redact: (secret) => secrets.add(secret),
    scrub: (text) => secrets.scrub(text),
  };
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = command.help.split('\n\n')[0] ?? '';
      io.stderr(
        `m2m-auth ${name}: ${error.message}\n\n${usage}\nRun 'm2m-auth ${name} --help' for the options.\n`,
      );
      return EXIT_USAGE;
    }
    if (error instanceof CliError) {
      io.stderr(`m2m-auth ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`m2m-auth ${name}: ${secrets.scrub(message.split('\n')[0] ?? 'failed')}\n`);
    return EXIT_FAILURE;
  }
}
