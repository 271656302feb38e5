// @ts-check
// kvm-memslot side of exit-on-missing-v7.js (Anish Moorthy, [PATCH v7 06/14]
// <20240215235405.368539-7-amoorthy@google.com>): the old KVM_SET_USER_MEMORY_REGION takes the new
// flag too (KVM_SET_USER_MEMORY_REGION_V1_FLAGS gains KVM_MEM_EXIT_ON_MISSING), and
// check_memory_region_flags() refuses it together with KVM_MEM_READONLY ("currently mutually exclusive").
import { definePolicy } from 'hvreplay';

const KVM_MEM_LOG_DIRTY_PAGES = 1 << 0;
const KVM_MEM_READONLY = 1 << 1;
const KVM_MEM_EXIT_ON_MISSING = 1 << 3;

/** @type {import('hvreplay').VariantReducer<'ioctl:KVM_SET_USER_MEMORY_REGION'>} */
function setRegion(state, event, ctx, inherited) {
  const flags = event.args.flags;
  if (flags & KVM_MEM_READONLY && flags & KVM_MEM_EXIT_ON_MISSING) {
    ctx.effects.push({ kind: 'result', errno: 'EINVAL' });
    ctx.effects.push({ kind: 'log', message: 'KVM_MEM_READONLY and KVM_MEM_EXIT_ON_MISSING are mutually exclusive (v7)' });
    return state;
  }
  return inherited(state, event, ctx);
}

export default definePolicy({
  area: 'kvm-memslot',
  variant: 'exit-on-missing-v7',
  summary: 'v7: KVM_MEM_EXIT_ON_MISSING on both memslot ioctls, and never with KVM_MEM_READONLY',
  sources: [
    {
      kind: 'patch',
      ref: '[PATCH v7 06/14] KVM: Add memslot flag to let userspace force an exit on missing hva mappings',
      note: '<20240215235405.368539-7-amoorthy@google.com>',
    },
  ],
  params: { v1Flags: KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY | KVM_MEM_EXIT_ON_MISSING },
  reducers: { 'ioctl:KVM_SET_USER_MEMORY_REGION': setRegion },
});
