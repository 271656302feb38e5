import type { PgstePolicy } from './policy.js';
import { reducePgste, s390Capability, s390VmCreate } from './rules.js';
import { policyName } from '../types.js';

export const lateMmapRfc: PgstePolicy = {
  ...policyName('s390-pgste', 'late-mmap-rfc'),
  isDefault: false,
  summary: 'RFC, never merged: KVM_VM_S390_LATE_MMAP (2) VMs need no PGSTE mm; memory mapped before the VM gives EFAULT',
  sources: [{ kind: 'seed', ref: '001_280a8ef89a6d9850.txt', note: '[PATCH RFC 2/2] KVM: s390: Introduce KVM_VM_S390_LATE_MMAP' }],
  elfMarker: false,
  inheritsFromCurrentMm: false,
  lateMmap: true,
  capability: (cap, state) => s390Capability(lateMmapRfc, cap, state),
  vmCreate: (type, state, process) => s390VmCreate(lateMmapRfc, type, state, process),
  reduce: (state, ctx) => reducePgste(lateMmapRfc, state, ctx),
};
