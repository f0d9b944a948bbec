import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

describe('examples/demo', () => {
  it('every step of the demo does what it says', async () => {
    const steps = await runDemo({ tokenLifetime: 2 });
    expect(steps.map((s) => [s.title, s.actual])).toEqual(steps.map((s) => [s.title, s.expected]));
    expect(steps).toHaveLength(7);
  });

  it('its start script (src/main.ts, what `pnpm demo` runs) prints the transcript and exits 0', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd,
        env: { PATH: process.env.PATH ?? '' },
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.match(/^✔ /gm)).toHaveLength(7);
    expect(stdout).not.toContain('✘');
    expect(stdout).toContain('All 7 steps did what they say.');
    // The secrets of the demo's clients are never part of the transcript.
    expect(stdout).not.toContain('not-for-production');
  });
});
