/**
 * `pnpm demo`: prints a transcript and exits 0 only if every step did what it says.
 */
import { runDemo, type Step } from './demo.js';

const print = (step: Step) => {
  console.log(`${step.ok ? '✔' : '✘'} ${step.title}`);
  console.log(`    expected ${step.expected}, got ${step.actual}`);
  if (step.detail) console.log(`    ${step.detail}`);
};

console.log(
  'm2m-auth demo: an embedded Keycloak-style issuer, a Tables API (Express), its admin API (Nest), outbound clients\n',
);
const steps = await runDemo({ onStep: print }).catch((err: unknown) => {
  // A step that could not even run (a port taken, a dependency missing): say so, without a stack trace.
  console.error(`✘ the demo stopped: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
const failed = steps.filter((s) => !s.ok).length;
console.log(failed === 0 ? `\nAll ${steps.length} steps did what they say.` : `\n${failed} step(s) failed.`);
process.exit(failed === 0 ? 0 : 1);
