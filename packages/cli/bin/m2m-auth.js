#!/usr/bin/env node
/* global URL, process */
// The `m2m-auth` command. The code is compiled to dist/; this file exists before any build, so that
// package managers can link the command at install time, even in a fresh clone of the monorepo.
const entry = new URL('../dist/bin.js', import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
    process.stderr.write('m2m-auth: not built yet; run `pnpm build` at the root of the monorepo\n');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
