import { spawn, type ChildProcess } from 'node:child_process';

/** An example's start script, running. */
export interface RunningScript {
  /** The URL the script printed. */
  url: string;
  /** Sends `SIGTERM` and resolves to the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `src/main.ts` of the example in `cwd` with tsx and `env` on top of this process' environment,
 * and resolves once it prints a line matching `ready` (whose first group is the URL). Rejects with
 * what it printed if it exits first.
 */
export function startScript(cwd: string, env: Record<string, string>, ready: RegExp): Promise<RunningScript> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve({ url: match[1]!, stop: () => (child.kill('SIGTERM'), exited) });
    });
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

/** Runs the script without `ISSUER` and resolves to its exit code and what it printed on stderr. */
export async function runWithoutIssuer(cwd: string): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.ISSUER;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd, env, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}
