import { fileURLToPath } from 'node:url';

/** The package root; this file runs from dist/src/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCENARIOS_DIR = PACKAGE_ROOT + 'scenarios/';
export const PERFETTO_PROTO = PACKAGE_ROOT + 'proto/perfetto/perfetto_trace_subset.proto';
