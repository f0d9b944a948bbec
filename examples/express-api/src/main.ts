/**
 * Starts the Tables API. Configure with ISSUER, AUDIENCE and PORT (default 3000, on 127.0.0.1).
 */
import { createTablesApi } from './app.js';

const issuer = process.env.ISSUER;
const audience = process.env.AUDIENCE ?? 'https://tables.example';
if (!issuer) {
  console.error('Set ISSUER to the token issuer, e.g. ISSUER=https://id.example/auth/realms/acme');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const server = createTablesApi({ issuer, audience }).listen(port, '127.0.0.1', () => {
  console.log(`Tables API on http://127.0.0.1:${port} (issuer ${issuer}, audience ${audience})`);
});
process.on('SIGINT', () => server.close());
process.on('SIGTERM', () => server.close());
