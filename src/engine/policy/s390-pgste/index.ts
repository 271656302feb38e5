import { defineArea } from '../define.js';
import { elfMarker } from './elf-marker.js';
import { lateMmapRfc } from './late-mmap-rfc.js';
import type { PgsteParams } from './params.js';
import { lateMmapAccess, pgsteNewMm, s390VmCreate } from './rules.js';
import { PGSTE_HOST_FACTS } from './state.js';
import { sysctlOnly } from './sysctl-only.js';

// s390-pgste: page tables with PGSTEs for KVM on s390 (seeds 000 and 001).

export type { PgsteParams };

export const s390PgsteArea = defineArea<PgsteParams>({
  area: 's390-pgste',
  summary: 'which mm gets 4K page tables with PGSTEs, which s390 KVM needs for KVM_CREATE_VM',
  arches: ['s390x'],
  hostFacts: PGSTE_HOST_FACTS,
  behaviour: (params) => ({
    reducers: params.lateMmap ? { 'fault:guest_access': lateMmapAccess } : {},
    hooks: {
      newMm: (caller, state, how) => pgsteNewMm(params, caller, state, how),
      vmCreate: (type, _state, process) => s390VmCreate(params, type, process),
      // KVM_CAP_S390_LATE_MMAP (200 in the RFC): 1 where the RFC is applied; other kernels do not know the number.
      capabilities: { KVM_CAP_S390_LATE_MMAP: () => (params.lateMmap ? 1 : 0) },
    },
  }),
  variants: [sysctlOnly, elfMarker, lateMmapRfc],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    's390-pgste': PgsteParams;
  }
}
