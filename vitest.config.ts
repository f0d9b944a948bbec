import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CommonJS and packaging tests load `dist/`.
    alias: [
      { find: /^@m2m-auth\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      // Subpath entries: `@m2m-auth/nest/http` is `packages/nest/src/http.ts`.
      { find: /^@m2m-auth\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
