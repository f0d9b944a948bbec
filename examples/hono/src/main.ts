/**
 * Starts the Hono Tables API on 127.0.0.1 with @hono/node-server. Configure with ISSUER, AUDIENCE and
 * PORT (default 3000; 0 picks a free one). On Bun or Deno, serve `createTablesApi(…).fetch` instead.
 */
import { serve } from '@hono/node-server';
import { createTablesApi } from './app.js';

const issuer = process.env.ISSUER;
const audience = process.env.AUDIENCE ?? 'https://tables.example';
if (!issuer) {
  console.error('Set ISSUER to the token issuer, e.g. ISSUER=https://id.example/auth/realms/acme');
  process.exit(1);
}
const app = createTablesApi({ issuer, audience });
const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' },
  (info) => {
    console.log(
      `Tables API (Hono) on http://127.0.0.1:${info.port} (issuer ${issuer}, audience ${audience})`,
    );
  },
);
const stop = () => void server.close();
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
