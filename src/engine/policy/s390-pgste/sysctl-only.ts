import type { PgstePolicy } from './policy.js';
import { reducePgste, s390Capability, s390VmCreate } from './rules.js';

export const sysctlOnly: PgstePolicy = {
  id: 's390-pgste/sysctl-only',
  area: 's390-pgste',
  variant: 'sysctl-only',
  isDefault: false,
  summary: 'Before 4.12: only vm.allocate_pgste=1, set before a process starts, gives its mm PGSTEs; KVM_CREATE_VM without them is EINVAL',
  sources: [
    { kind: 'seed', ref: '000_7ae9c4eaf28dcd3d.txt', note: 'why a global sysctl was needed' },
    { kind: 'source', ref: 'arch/s390/mm/pgalloc.c s390_enable_sie() (4.11): refuses an mm with 2K page tables' },
  ],
  elfMarker: false,
  lateMmap: false,
  capability: (cap, state) => s390Capability(sysctlOnly, cap, state),
  vmCreate: (type, state, process) => s390VmCreate(sysctlOnly, type, state, process),
  reduce: (state, ctx) => reducePgste(sysctlOnly, state, ctx),
};
