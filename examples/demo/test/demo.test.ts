import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

describe('examples/demo', () => {
  it('every step of the demo does what it says', async () => {
    const steps = await runDemo({ tokenLifetime: 2 });
    expect(steps.map((s) => [s.title, s.actual])).toEqual(steps.map((s) => [s.title, s.expected]));
    expect(steps).toHaveLength(7);
  });
});
