// The errors live in `errors/`, a module per family; this path stays for the modules that import it.
export * from './errors/index.js';
