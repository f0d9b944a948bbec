import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runners } from './support/run.js';

const COMMANDS = ['token', 'decode', 'verify', 'issuer'];

beforeAll(() => ensureBuilt(), 120_000);

describe.each(runners)('m2m-auth (%s)', (_, run) => {
  it('prints the help on stdout for --help, -h and help, exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await run([flag]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Usage: m2m-auth <command>');
      for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it.each(COMMANDS)('prints the help of %s for --help, -h and help <command>', async (command) => {
    for (const args of [
      [command, '--help'],
      [command, '-h'],
      ['help', command],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: m2m-auth ${command} `));
      expect(result.stdout).toContain('Exit codes:');
    }
  });

  it.each(COMMANDS)('refuses an unknown flag of %s with its usage on stderr, exit 2', async (command) => {
    const result = await run([command, '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`m2m-auth ${command}: unknown option '--no-such-flag'`);
    expect(result.stderr).toContain(`Usage: m2m-auth ${command} `);
  });

  it('refuses an unknown command or no command with the usage on stderr, exit 2', async () => {
    const unknown = await run(['tokn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'tokn'");
    expect(unknown.stderr).toContain('Usage: m2m-auth <command>');
    const flag = await run(['--nope']);
    expect(flag.code).toBe(2);
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: m2m-auth <command>');
  });

  it('prints its version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const result = await run(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
