import type { VariantSpec } from '../define.js';
import type { ReadonlyParams } from './params.js';

const readonlySeries = [
  {
    kind: 'commit',
    ref: '4d8b81abc47b',
    note: 'KVM: introduce readonly memslot (KVM_MEM_READONLY = 1<<1, KVM_CAP_READONLY_MEM = 81; vma_is_valid() lets async faults in on read); first in 3.7',
  },
  { kind: 'doc', ref: 'Documentation/virt/kvm/api.rst 4.35 KVM_SET_USER_MEMORY_REGION: writes are posted to userspace as KVM_EXIT_MMIO' },
  { kind: 'seed', ref: '004_2ea3dcaaa5e2dea3.txt', note: 'KVM_EXIT_INTERNAL_ERROR for writes the emulator cannot handle' },
] as const;

/** Linux 3.7 to 3.17: an unemulatable write exits outside guest mode at any CPL. */
export const memslotFlag37: VariantSpec<ReadonlyParams> = {
  variant: 'memslot-flag-3.7',
  summary:
    '3.7-3.17: KVM_MEM_READONLY; writes exit as KVM_EXIT_MMIO; an unemulatable one queues #UD and exits as KVM_EXIT_INTERNAL_ERROR at any CPL (not in L2)',
  sources: [
    ...readonlySeries,
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c handle_emulation_failure() (3.6, 3.9.6, 3.17.0 imports)',
      note: '`if (!is_guest_mode(vcpu)) { exit_reason = KVM_EXIT_INTERNAL_ERROR; suberror = KVM_INTERNAL_ERROR_EMULATION; } kvm_queue_exception(vcpu, UD_VECTOR);`',
    },
  ],
  releases: { linux: { from: '3.7', to: '3.17' } },
  params: { readonlyFlag: true, asyncFaultWithoutVmWrite: true, emulationFailure: 'any-cpl' },
};

/** Linux 3.18 to 5.13: only CPL 0 exits; a guest program gets #UD. */
export const memslotFlag318: VariantSpec<ReadonlyParams> = {
  variant: 'memslot-flag-3.18',
  summary: '3.18-5.13: as 3.7, but an unemulatable write exits only at CPL 0; at CPL 1-3 the guest gets #UD and KVM_RUN goes on',
  sources: [
    ...readonlySeries,
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c handle_emulation_failure() (3.18.63, 3.19.8, 4.2.8, 5.4.214, 5.12.9 imports)',
      note: '`if (!is_guest_mode(vcpu) && kvm_x86_ops->get_cpl(vcpu) == 0)` exit; #UD queued either way. Absent in 3.17.0; the commit was not identified, so 3.18 is a release bound from imports',
    },
  ],
  releases: { linux: { from: '3.18', to: '5.13' } },
  params: { readonlyFlag: true, asyncFaultWithoutVmWrite: true, emulationFailure: 'cpl0' },
};

/** Linux 5.14+: commit 19238e75bd8e lets userspace take every emulation failure. */
export const memslotFlag: VariantSpec<ReadonlyParams> = {
  variant: 'memslot-flag',
  isDefault: true,
  summary:
    '5.14+: as 3.18, and with KVM_CAP_EXIT_ON_EMULATION_FAILURE enabled every unemulatable write exits as KVM_EXIT_INTERNAL_ERROR, without #UD',
  sources: [
    ...readonlySeries,
    {
      kind: 'commit',
      ref: '19238e75bd8e',
      note: 'kvm: x86: Allow userspace to handle emulation errors (Aaron Lewis, 2021-06-24): absent in 5.12.9, present in 5.14 and 6.1',
    },
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c handle_emulation_failure(), kvm_vm_ioctl_enable_cap() (6.18.2, lines 9112 and 6883)',
      note: '`if (kvm->arch.exit_on_emulation_error || (emulation_type & EMULTYPE_SKIP)) { prepare_emulation_ctxt_failure_exit(vcpu); return 0; } kvm_queue_exception(vcpu, UD_VECTOR); if (!is_guest_mode(vcpu) && get_cpl(vcpu) == 0) ...`; KVM_ENABLE_CAP: `if (cap->flags) return -EINVAL;`, `if (cap->args[0] & ~1) break;` (-EINVAL)',
    },
  ],
  releases: { linux: { from: '5.14' } },
  params: { readonlyFlag: true, asyncFaultWithoutVmWrite: true, emulationFailure: 'cpl0-or-cap' },
};
