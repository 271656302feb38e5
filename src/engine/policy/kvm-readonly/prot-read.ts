import type { ReadonlyPolicy } from './policy.js';
import { reduceReadonly } from './rules.js';
import { policyName } from '../types.js';

/**
 * Linux before 3.7: read-only guest memory only by mapping it without PROT_WRITE in the VMM.
 *
 * KVM_SET_USER_MEMORY_REGION had no flags check yet: __kvm_set_memory_region() copied mem->flags into
 * the slot (`new.flags = mem->flags`) and only KVM_MEM_LOG_DIRTY_PAGES meant anything. The check,
 * check_memory_region_flags(), came with the readonly-memslot series in 3.7, just before 4d8b81abc47b
 * (both sides were seen in stored 3.x sources; the id of the commit that added it was not verified, so
 * it is not cited). So this kernel accepts a
 * KVM_MEM_READONLY bit silently and the slot stays writable as far as KVM is concerned.
 */
export const protRead: ReadonlyPolicy = {
  ...policyName('kvm-readonly', 'prot-read'),
  isDefault: false,
  summary:
    'Before 3.7: no KVM_MEM_READONLY (flag bits unchecked and ignored); a !PROT_WRITE slot dies on a guest write or a swapped-out read',
  sources: [
    { kind: 'seed', ref: '004_2ea3dcaaa5e2dea3.txt', note: 'the fault-pfn crash the readonly memslot series started from' },
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c __kvm_set_memory_region() before 3.7: `new.flags = mem->flags` with no check; check_memory_region_flags() arrived with the 3.7 readonly-memslot series',
    },
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c hva_to_pfn() (3.6): `if (async && (vma->vm_flags & VM_WRITE)) *async = true; pfn = KVM_PFN_ERR_FAULT`',
    },
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
