/**
 * `pnpm bench`: every benchmark in one run, each comparing m2m-auth with its peers and printing ratios.
 */
import { runInboundBench } from './inbound.js';
import { runOutboundBench } from './outbound.js';

await runInboundBench();
await runOutboundBench();
process.exit(0);
