/**
 * Serves the fetch handler on 127.0.0.1 with @hono/node-server, which runs any `(Request) => Response`
 * function on Node's HTTP server (Bun: `Bun.serve({ fetch })`; Deno: `Deno.serve(handler)`; Workers:
 * `export default { fetch }`). Configure with ISSUER, AUDIENCE and PORT (default 3000; 0 picks one).
 */
import { serve } from '@hono/node-server';
import { createHandler } from './handler.js';

const issuer = process.env.ISSUER;
const audience = process.env.AUDIENCE ?? 'https://tables.example';
if (!issuer) {
  console.error('Set ISSUER to the token issuer, e.g. ISSUER=https://id.example/auth/realms/acme');
  process.exit(1);
}
const handler = createHandler({ issuer, audience });
const server = serve(
  { fetch: handler, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' },
  (info) => {
    console.log(`fetch handler on http://127.0.0.1:${info.port} (issuer ${issuer}, audience ${audience})`);
  },
);
const stop = () => void server.close();
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
