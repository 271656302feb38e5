import type { ReadonlyPolicy } from './policy.js';
import { reduceReadonly } from './rules.js';

/**
 * Linux before 3.7: read-only guest memory only by mapping it without PROT_WRITE in the VMM.
 *
 * KVM_SET_USER_MEMORY_REGION had no flags check yet: __kvm_set_memory_region() copied mem->flags into
 * the slot (`new.flags = mem->flags`) and only KVM_MEM_LOG_DIRTY_PAGES meant anything. The check,
 * check_memory_region_flags(), came with the readonly-memslot series in 3.7 (commit a50d64d6590e,
 * "KVM: fix missing check for memslot flags", just before 4d8b81abc47b). So this kernel accepts a
 * KVM_MEM_READONLY bit silently and the slot stays writable as far as KVM is concerned.
 */
export const protRead: ReadonlyPolicy = {
  id: 'kvm-readonly/prot-read',
  area: 'kvm-readonly',
  variant: 'prot-read',
  isDefault: false,
  summary: 'Before 3.7: no KVM_MEM_READONLY (flag bits unchecked and ignored); a !PROT_WRITE slot dies on a guest write or a swapped-out read',
  sources: [
    { kind: 'seed', ref: '004_2ea3dcaaa5e2dea3.txt', note: 'the fault-pfn crash the readonly memslot series started from' },
    {
      kind: 'commit',
      ref: 'a50d64d6590e',
      note: 'KVM: fix missing check for memslot flags (3.7): before it, flags were not checked. The id is as recalled and unverified against a stored tree; the unchecked copy before it and check_memory_region_flags() in 3.7 were both seen in stored 3.x sources',
    },
    { kind: 'source', ref: 'virt/kvm/kvm_main.c hva_to_pfn() (3.6): `if (async && (vma->vm_flags & VM_WRITE)) *async = true; pfn = KVM_PFN_ERR_FAULT`' },
  ],
  readonlyFlag: false,
  asyncFaultWithoutVmWrite: false,
  capability(cap) {
    // KVM_CAP_READONLY_MEM (81) did not exist; kvm_dev_ioctl_check_extension() returns 0 for a cap it does not know.
    return cap === 'KVM_CAP_READONLY_MEM' ? 0 : undefined;
  },
  memslotFlags: () => 'unchecked',
  reduce: (state, ctx) => reduceReadonly(protRead, state, ctx),
};
