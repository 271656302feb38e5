import { fileURLToPath } from 'node:url';

// Where the built CLI and the migrations are, seen from dist/bench/.

export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
export const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));
