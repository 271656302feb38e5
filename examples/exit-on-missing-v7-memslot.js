// @ts-check
// kvm-memslot companion of exit-on-missing-v7.js: v7's check_memory_region_flags() also refuses
// KVM_MEM_READONLY together with KVM_MEM_EXIT_ON_MISSING ("currently mutually exclusive").
import { definePolicy, reducerOf } from 'hvreplay';

const upstream = reducerOf('kvm-memslot/linux', 'ioctl:KVM_SET_USER_MEMORY_REGION');

export default definePolicy({
  area: 'kvm-memslot',
  variant: 'exit-on-missing-v7',
  summary: 'v7: KVM_MEM_READONLY | KVM_MEM_EXIT_ON_MISSING is EINVAL',
  sources: [{ kind: 'patch', ref: '[PATCH v7 06/14] <20240215235405.368539-7-amoorthy@google.com>' }],
  reducers: {
    'ioctl:KVM_SET_USER_MEMORY_REGION': (state, event, ctx) => {
      const f = event.args.flags;
      if (f & 0x2 && f & 0x8) {
        ctx.effects.push({ kind: 'result', errno: 'EINVAL' });
        ctx.effects.push({ kind: 'log', message: 'KVM_MEM_READONLY and KVM_MEM_EXIT_ON_MISSING are mutually exclusive (v7)' });
        return state;
      }
      return upstream(state, event, ctx);
    },
  },
});
