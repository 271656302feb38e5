import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const lateMmapRfc: VariantSpec<PgsteParams> = {
  variant: 'late-mmap-rfc',
  summary: 'RFC, never merged: KVM_VM_S390_LATE_MMAP (2) VMs need no PGSTE mm; memory mapped before the VM gives EFAULT',
  sources: [{ kind: 'seed', ref: '001_280a8ef89a6d9850.txt', note: '[PATCH RFC 2/2] KVM: s390: Introduce KVM_VM_S390_LATE_MMAP' }],
  // Posted on a pre-4.12 base: the sysctl-only rules plus the new type.
  params: { enableSie: 'refuse', sysctl: true, elfMarker: false, inheritsFromCurrentMm: false, lateMmap: true },
};
