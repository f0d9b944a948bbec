/**
 * What a command may touch of the outside world: the standard streams, the environment, the clock and a
 * stop signal. The `m2m-auth` binary passes {@link processIo}; tests pass their own to run commands in
 * process.
 */
export interface Io {
  /** Writes to standard output, as is (commands add their own newlines). */
  stdout(text: string): void;
  /** Writes to standard error, as is. */
  stderr(text: string): void;
  /**
   * Reads standard input to its end, or answers `undefined` when it is a terminal (nothing was piped),
   * so that a command never waits for typing that nobody announced. `note`, when given, is written to
   * standard error if the input has given nothing after two seconds (a pipe that nobody closes), so that a
   * waiting command says what it waits for.
   */
  readStdin(note?: string): Promise<string | undefined>;
  /** The environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborted when the process is asked to stop (SIGINT, SIGTERM); long-running commands return then. Read
   * it only in commands that run until stopped: {@link processIo} catches the signals from the first read.
   */
  readonly signal: AbortSignal;
  /** The clock (milliseconds since the epoch). Default is `Date.now`. */
  now?(): number;
}

/**
 * The {@link Io} of the running process, with `close()` to remove its signal handlers.
 *
 * @example
 * ```ts
 * const io = processIo();
 * process.exitCode = await main(process.argv.slice(2), io);
 * io.close();
 * ```
 */
export interface ProcessIo extends Io {
  /** Removes the SIGINT and SIGTERM handlers. Safe to call twice. */
  close(): void;
}

/** How long (in milliseconds) stdin may stay silent before `readStdin` writes its note. */
const STDIN_NOTE_DELAY = 2000;

/**
 * A writer for `stream` that survives its reader going away: after a write error (`EPIPE` when the
 * reader closed the pipe, as in `m2m-auth decode $T | head -c0`), further text is dropped instead of
 * crashing the process with an unhandled `'error'` event and a stack trace.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return (text) => {
    if (broken || stream.destroyed) return;
    stream.write(text);
  };
}

/**
 * The {@link Io} of the running Node.js process. Output to a closed pipe is dropped quietly (the
 * command still runs to its end and keeps its exit code). Reading its `signal` installs SIGINT and SIGTERM
 * handlers that abort it (until then the signals stop the process as usual); the handlers are removed at
 * the first signal, so a second one stops the process the default way.
 *
 * @example
 * ```ts
 * const io = processIo();
 * process.exitCode = await main(process.argv.slice(2), io);
 * io.close();
 * ```
 */
export function processIo(): ProcessIo {
  const stop = new AbortController();
  const stderr = writer(process.stderr);
  let listening = false;
  const close = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const onSignal = (): void => {
    close();
    stop.abort();
  };
  return {
    stdout: writer(process.stdout),
    stderr,
    readStdin: async (note) => {
      if (process.stdin.isTTY) return undefined;
      const timer = note === undefined ? undefined : setTimeout(() => stderr(`${note}\n`), STDIN_NOTE_DELAY);
      timer?.unref();
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of process.stdin) {
          clearTimeout(timer);
          chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
        }
      } finally {
        clearTimeout(timer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    get signal() {
      if (!listening && !stop.signal.aborted) {
        listening = true;
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      return stop.signal;
    },
    close,
  };
}
