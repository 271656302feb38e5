import type { VariantSpec } from '../define.js';
import type { ReadonlyParams } from './params.js';

/**
 * Linux 3.6: read-only guest memory only by mapping it without PROT_WRITE in the VMM. No
 * KVM_MEM_READONLY bit exists; that 3.6 stores an unknown flag bit without looking at it is a memslot
 * rule of 3.6 (kvm-memslot/linux-3.6), so with today's memslot rules the bit is EINVAL.
 */
export const protRead: VariantSpec<ReadonlyParams> = {
  variant: 'prot-read',
  summary: '3.6: no KVM_MEM_READONLY (KVM_CAP_READONLY_MEM = 0); a !PROT_WRITE slot dies on a guest write or a swapped-out read',
  sources: [
    { kind: 'seed', ref: '004_2ea3dcaaa5e2dea3.txt', note: 'the fault-pfn crash the readonly memslot series started from' },
    {
      kind: 'source',
      ref: 'virt/kvm/kvm_main.c hva_to_pfn() (3.6, blob d617f691 in the 3.6.0 and 3.6.5 imports, line 1068)',
      note: '`if (async && (vma->vm_flags & VM_WRITE)) *async = true; pfn = get_fault_pfn();` in all three failure branches (KVM_PFN_ERR_FAULT is 3.7 code)',
    },
    {
      kind: 'source',
      ref: 'arch/x86/kvm/x86.c handle_emulation_failure() (3.6)',
      note: 'exits outside guest mode at any CPL, as 3.7-3.17; without KVM_MEM_READONLY it is not reached by a ROM write',
    },
    {
      kind: 'doc',
      ref: 'docs/upstream/releases-issue12.md section 4',
      note: 'only 3.6 was read: releases before 3.6 are an explained gap',
    },
  ],
  releases: { linux: { from: '3.6', to: '3.6' } },
  params: { readonlyFlag: false, asyncFaultWithoutVmWrite: false, emulationFailure: 'any-cpl' },
};
