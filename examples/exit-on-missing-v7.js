// @ts-check
// kvm-readonly variant: Anish Moorthy, "[PATCH v7 00/14] Improve KVM + userfaultfd performance via
// KVM_EXIT_MEMORY_FAULTs on stage-2 faults" (kvm@vger.kernel.org, 2024-02-15), patches 05-07 on x86.
// KVM_MEM_EXIT_ON_MISSING (1 << 3): a vCPU fault on such a slot calls __gfn_to_pfn_memslot() with
// atomic=true (no GUP fault-in, no async PF); hva_to_pfn() then only takes what hva_to_pfn_fast()
// pins (a present, writable PTE), else KVM_PFN_ERR_FAULT -> kvm_handle_error_pfn() ->
// kvm_prepare_memory_fault_exit(gpa, PAGE_SIZE, RWX) and KVM_RUN returns -1/EFAULT with
// exit_reason KVM_EXIT_MEMORY_FAULT. Never merged (Sean, 2024-04-09: "skipped all
// KVM_CAP_EXIT_ON_MISSING ... hold off until we see the KVM userfault stuff").
import { definePolicy, guestMemoryAt, hex, toBig, vcpuOf, withVcpu, writable } from 'hvreplay';

const KVM_MEM_READONLY = 1 << 1;
const KVM_MEM_EXIT_ON_MISSING = 1 << 3; // include/uapi/linux/kvm.h in patch 06/14
const KVM_MEMORY_EXIT_FLAG_READ = 1,
  KVM_MEMORY_EXIT_FLAG_WRITE = 2; // patch 05/14 (EXEC = 4)

/** @type {import('hvreplay').VariantReducer<'fault:guest_access'>} */
function guestAccess(state, event, ctx, upstream) {
  const ref = vcpuOf(state, event);
  const gpa = toBig(event.args.gpa);
  if (!ref || gpa === undefined || ref.vm.status === 'crashed') return upstream(state, event, ctx);
  const hit = guestMemoryAt(state, ref.vm, gpa);
  if (!hit || !(hit.slot.flags & KVM_MEM_EXIT_ON_MISSING) || !hit.vma) return upstream(state, event, ctx);
  const swapped = (hit.process?.reclaimed ?? []).includes(hit.page);
  // hva_to_pfn_fast() pins with FOLL_WRITE only: a swapped-out page, or a page of a !PROT_WRITE
  // mapping, is "missing" for an atomic fault (v7 dropped v6's fast-GUP-for-reads patch).
  if (!swapped && writable(hit.vma)) return upstream(state, event, ctx);
  const detail = {
    gpa: hex(gpa & ~0xfffn),
    size: 4096,
    flags: event.args.write ? KVM_MEMORY_EXIT_FLAG_WRITE : KVM_MEMORY_EXIT_FLAG_READ,
  };
  ctx.effects.push({
    kind: 'log',
    message: `slot ${hit.slot.slot} has KVM_MEM_EXIT_ON_MISSING: no fault-in of ${hit.page}, KVM_RUN returns -EFAULT with KVM_EXIT_MEMORY_FAULT`,
  });
  // KVM_EXIT_MEMORY_FAULT comes with -1/EFAULT (api.rst): the next KVM_RUN reports both.
  return withVcpu(state, ref.vm.id, {
    ...ref.vcpu,
    pendingErrno: 'EFAULT',
    pendingExit: 'KVM_EXIT_MEMORY_FAULT',
    pendingExitDetail: detail,
  });
}

export default definePolicy({
  area: 'kvm-readonly',
  base: 'memslot-flag',
  variant: 'exit-on-missing-v7',
  summary: 'KVM_MEM_EXIT_ON_MISSING (1<<3), KVM_CAP_EXIT_ON_MISSING (236): vCPU faults on missing host pages exit as KVM_EXIT_MEMORY_FAULT',
  sources: [
    {
      kind: 'patch',
      ref: '[PATCH v7 06/14] KVM: Add memslot flag to let userspace force an exit on missing hva mappings',
      note: '<20240215235405.368539-7-amoorthy@google.com>',
    },
    {
      kind: 'patch',
      ref: '[PATCH v7 07/14] KVM: x86: Enable KVM_CAP_EXIT_ON_MISSING and annotate EFAULTs from stage-2 fault handler',
      note: '<20240215235405.368539-8-amoorthy@google.com>',
    },
  ],
  reducers: { 'fault:guest_access': guestAccess },
  hooks: {
    // check_memory_region_flags(): IS_ENABLED(CONFIG_HAVE_KVM_EXIT_ON_MISSING) adds the bit (x86 selects it).
    memslotFlags: KVM_MEM_READONLY | KVM_MEM_EXIT_ON_MISSING,
    // kvm_vm_ioctl_check_extension_generic(): return IS_ENABLED(CONFIG_HAVE_KVM_EXIT_ON_MISSING);
    capabilities: { KVM_CAP_EXIT_ON_MISSING: () => 1, 236: () => 1 },
  },
});
