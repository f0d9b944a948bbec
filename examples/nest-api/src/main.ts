/**
 * Starts the Nest Tables API on 127.0.0.1. Configure with the environment: ISSUER, AUDIENCE,
 * INGESTION_URL, CLIENT_ID, CLIENT_SECRET (see src/config.ts) and PORT (default 3000).
 */
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const missing = ['ISSUER', 'INGESTION_URL', 'CLIENT_ID', 'CLIENT_SECRET'].filter(
  (name) => !process.env[name],
);
if (missing.length > 0) {
  console.error(`Set ${missing.join(', ')} (see examples/nest-api/README.md)`);
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const app = await NestFactory.create(AppModule.forRoot());
app.enableShutdownHooks(); // closes the outbound token source on SIGINT/SIGTERM
await app.listen(port, '127.0.0.1');
console.log(`Nest Tables API on ${await app.getUrl()} (issuer ${process.env.ISSUER})`);
