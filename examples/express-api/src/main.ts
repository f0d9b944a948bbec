/**
 * Starts the Tables API on 127.0.0.1. Configure with ISSUER, AUDIENCE and PORT (default 3000; 0 picks a
 * free port).
 */
import type { AddressInfo } from 'node:net';
import { createTablesApi } from './app.js';

const issuer = process.env.ISSUER;
const audience = process.env.AUDIENCE ?? 'https://tables.example';
if (!issuer) {
  console.error('Set ISSUER to the token issuer, e.g. ISSUER=https://id.example/auth/realms/acme');
  process.exit(1);
}
const server = createTablesApi({ issuer, audience }).listen(
  Number(process.env.PORT ?? 3000),
  '127.0.0.1',
  () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Tables API on http://127.0.0.1:${port} (issuer ${issuer}, audience ${audience})`);
  },
);
const stop = () => {
  server.closeAllConnections();
  server.close();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
