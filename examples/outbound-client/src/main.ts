/**
 * Lists a project's tables. Configure with ISSUER, CLIENT_ID, CLIENT_SECRET, API_URL and PROJECT.
 */
import { createOutboundClient } from './client.js';

const names = ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET', 'API_URL', 'PROJECT'] as const;
const missing = names.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`Set ${missing.join(', ')}; see examples/outbound-client/README.md`);
  process.exit(2);
}
const env = process.env as Record<(typeof names)[number], string>;

const client = createOutboundClient({
  issuer: env.ISSUER,
  clientId: env.CLIENT_ID,
  clientSecret: env.CLIENT_SECRET,
  apiUrl: env.API_URL,
  project: env.PROJECT,
});
try {
  const { project, tables } = await client.listTables();
  console.log(`project ${project}: ${tables.length > 0 ? tables.join(', ') : 'no tables'}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  client.close();
}
