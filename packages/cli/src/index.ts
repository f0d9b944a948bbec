export { main } from './main.js';
export { processIo } from './io.js';
export type { Io, ProcessIo } from './io.js';
