import { defineArea } from '../define.js';
import { always } from './always.js';
import { dupMm } from './dup-mm.js';
import { elfMarker } from './elf-marker.js';
import { lateMmapRfc } from './late-mmap-rfc.js';
import type { PgsteParams } from './params.js';
import { s390VmCreate } from './enable-sie.js';
import { lateMmapAccess, pgsteNewMm } from './rules.js';
import { noHostPgste } from './no-host-pgste.js';
import { realloc } from './realloc.js';
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
  variants: [dupMm, realloc, sysctlOnly, elfMarker, always, noHostPgste, lateMmapRfc],
  // From docs/upstream/releases-issue12.md section 8: each gap lies between two release imports that disagree.
  releaseGaps: [
    { system: 'linux', to: '3.5', why: 'no s390 source before 3.6 was read' },
    {
      system: 'linux',
      from: '3.12',
      to: '3.12',
      why: '3.11.0 replaces the mm with dup_mm(), 3.13.11 reallocates in place; 3.12 was not read',
    },
    { system: 'linux', from: '4.0', to: '4.0', why: '3.19.8 reallocates in place, 4.1.15 refuses an mm without PGSTEs; 4.0 was not read' },
    {
      system: 'linux',
      from: '6.15',
      to: '6.16',
      why: '6.14.0 has vm.allocate_pgste and PT_S390_PGSTE, 6.17.0 neither; 6.15 and 6.16 were not read',
    },
    {
      system: 'linux',
      from: '6.19',
      to: '6.19',
      why: '6.18.2 has s390_enable_sie(), 7.0.0 has the gmap rewrite without it; 6.19 was not read',
    },
  ],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    's390-pgste': PgsteParams;
  }
}
