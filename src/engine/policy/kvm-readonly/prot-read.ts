import type { VariantSpec } from '../define.js';
import type { ReadonlyParams } from './params.js';

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
export const protRead: VariantSpec<ReadonlyParams> = {
  variant: 'prot-read',
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
  params: { readonlyFlag: false, asyncFaultWithoutVmWrite: false },
};
