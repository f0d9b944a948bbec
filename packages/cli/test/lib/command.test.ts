import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/io.js';
import { defineCommand, type Context } from '../../src/lib/command.js';
import { EXIT_OK, UsageError } from '../../src/lib/errors.js';

function context() {
  let stdout = '';
  const io = { stdout: (text: string) => void (stdout += text) } as unknown as Io;
  const ctx: Context = { io, now: () => 0, redact: () => undefined, scrub: (text) => text };
  return { ctx, stdout: () => stdout };
}

const OPTIONS = {
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('defineCommand', () => {
  const runs: unknown[] = [];
  const greet = defineCommand({
    name: 'greet',
    summary: 'says hello',
    help: 'Usage: m2m-auth greet [--name NAME]\n',
    options: OPTIONS,
    async run({ values, positionals }) {
      runs.push([values.name, positionals]);
      return 7;
    },
  });
  const check = defineCommand({
    name: 'check',
    summary: 'checks a token',
    help: 'Usage: m2m-auth check [TOKEN]\n',
    options: OPTIONS,
    takesToken: true,
    async run({ positionals }) {
      runs.push(positionals);
      return EXIT_OK;
    },
  });

  it('keeps name, summary and help', () => {
    expect([greet.name, greet.summary, greet.help]).toEqual([
      'greet',
      'says hello',
      'Usage: m2m-auth greet [--name NAME]\n',
    ]);
  });

  it('runs on the parsed arguments and returns its exit code', async () => {
    runs.length = 0;
    expect(await greet.run(['--name', 'ada'], context().ctx)).toBe(7);
    expect(runs).toEqual([['ada', []]]);
  });

  it.each([['--help'], ['-h']])('prints the help for %s, without running', async (flag) => {
    runs.length = 0;
    const { ctx, stdout } = context();
    expect(await greet.run(['--name', 'ada', flag], ctx)).toBe(EXIT_OK);
    expect(stdout()).toBe(greet.help);
    expect(runs).toEqual([]);
  });

  it('refuses a positional argument unless the command takes a token', async () => {
    await expect(greet.run(['tok'], context().ctx)).rejects.toThrow(UsageError);
    runs.length = 0;
    await check.run(['tok'], context().ctx);
    expect(runs).toEqual([['tok']]);
  });

  it('refuses a second token, naming the command', async () => {
    await expect(check.run(['a', 'b'], context().ctx)).rejects.toThrow(/^check takes one token$/);
  });

  it('refuses an unknown flag as a usage error', async () => {
    await expect(greet.run(['--nope'], context().ctx)).rejects.toThrow(/unknown option '--nope'/);
  });
});
