import { elfMarker } from './elf-marker.js';
import { lateMmapRfc } from './late-mmap-rfc.js';
import type { PgstePolicy } from './policy.js';
import { sysctlOnly } from './sysctl-only.js';

export type { PgstePolicy };
export const pgstePolicies: readonly PgstePolicy[] = [sysctlOnly, elfMarker, lateMmapRfc];
