import type { VariantSpec } from '../define.js';
import type { PgsteParams } from './params.js';

export const noHostPgste: VariantSpec<PgsteParams> = {
  variant: 'no-host-pgste',
  isDefault: true,
  summary: '7.0+: the gmap rewrite keeps no PGSTEs in the host page tables at all; KVM_CREATE_VM needs nothing of the mm',
  sources: [
    {
      kind: 'source',
      ref: 'arch/s390/kvm/kvm-s390.c kvm_arch_init_vm() (7.0.0 import)',
      note: 'only the type check (`if (type) goto out_err` without CONFIG_KVM_S390_UCONTROL), no s390_enable_sie(); `git grep s390_enable_sie\\|has_pgste arch/s390` finds nothing',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 8',
      note: 'arch/s390/kvm/dat.c and gmap.c (7.0.0 to 7.1.5): the guest mapping lives in KVM',
    },
  ],
  releases: { linux: { from: '7.0' } },
  params: { enableSie: 'none', sysctl: false, elfMarker: false, inheritsFromCurrentMm: false, lateMmap: false },
};
