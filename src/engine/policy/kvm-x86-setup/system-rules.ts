import { toBig } from '../../../model/address.js';
import type { EventKey, EventOf } from '../../../model/event.js';
import type { MachineState } from '../../../model/state.js';
import { pushAnswer, type Answer } from '../../reducers/answer.js';
import { onFd } from '../../reducers/ioctl-target.js';
import type { EventReducer } from '../define.js';
import type { CountBounds } from './events.js';

// What /dev/kvm answers about the host before a VMM sizes its vCPUs: kvm_arch_dev_ioctl()
// (arch/x86/kvm/x86.c, Linux 6.18.2, lines 5066-5180). The lists are built once, at module load, from
// the host's CPU and vendor module (kvm_init_msr_lists(), lines 7725-7760; kvm_set_cpu_caps()), so
// their sizes are host facts; the source bounds them from below, a host profile says the rest.

function systemIoctl<K extends EventKey>(decide: (state: MachineState, event: EventOf<K>) => Answer): EventReducer<K> {
  return onFd<K>(['kvm'], (state, event, ctx) => {
    pushAnswer(ctx, decide(state, event));
    return state;
  });
}

/**
 * A list the kernel copies out only when userspace made room for all of it: `if (n < count) r =
 * -E2BIG;`. `lowest` is what the source guarantees the count to be at least.
 */
function sizedAnswer(room: number | undefined, what: string, lowest: number, host: CountBounds | undefined): Answer {
  if (room === undefined) return { unmodelled: `${what}: the room userspace gave is in a struct strace prints as an address` };
  const atLeast = Math.max(lowest, host?.atLeast ?? 0);
  if (room < atLeast) return { errno: 'E2BIG' };
  if (host?.atMost !== undefined && room >= host.atMost) return { ret: 0 };
  return { unmodelled: `${what}: how many entries this host has (host fact not given, or not bounded enough)` };
}

/**
 * KVM_GET_MSR_INDEX_LIST (lines 5072-5096): num_msrs_to_save + num_emulated_msrs. msrs_to_save_base
 * (lines 329-333) lists MSR_STAR and, on x86-64, MSR_LSTAR, kept when the host can read them
 * (kvm_probe_msr_to_save(), lines 7618-7623); the host's own syscall entry sets both, so at least 2.
 */
export const getMsrIndexList = systemIoctl<'ioctl:KVM_GET_MSR_INDEX_LIST'>((state, event) =>
  sizedAnswer(event.args.nmsrs, 'KVM_GET_MSR_INDEX_LIST', 2, state.host.features?.msr_index_count),
);

/**
 * KVM_GET_MSR_FEATURE_INDEX_LIST (lines 5127-5146): num_msr_based_features. kvm_probe_feature_msr()
 * (lines 7608-7616) keeps an MSR that kvm_get_feature_msr() reads, which it always does for
 * ARCH_CAPABILITIES, PERF_CAPABILITIES, PLATFORM_INFO and UCODE_REV (lines 1694-1716): at least 4.
 */
export const getMsrFeatureIndexList = systemIoctl<'ioctl:KVM_GET_MSR_FEATURE_INDEX_LIST'>((state, event) =>
  sizedAnswer(event.args.nmsrs, 'KVM_GET_MSR_FEATURE_INDEX_LIST', 4, state.host.features?.msr_feature_count),
);

/** KVM_MAX_CPUID_ENTRIES (arch/x86/include/asm/kvm_host.h), the most room kvm_dev_ioctl_get_cpuid() uses. */
const MAX_CPUID_ENTRIES = 256;

/**
 * KVM_GET_SUPPORTED_CPUID: kvm_dev_ioctl_get_cpuid() (arch/x86/kvm/cpuid.c lines 1907-1948) refuses
 * nent < 1, clamps it to KVM_MAX_CPUID_ENTRIES, and fails with E2BIG when the host's entries do not fit.
 * Leaves 0, 0x80000000, 0x40000000 and 0x40000001 are always there (funcs[], get_cpuid_func(), and
 * KVM_CPUID_SIGNATURE's eax = KVM_CPUID_FEATURES, line 1643): at least 4. strace prints the kernel's
 * count after a success (nent); the room asked for is the probe's (nentIn).
 */
export const getSupportedCpuid = systemIoctl<'ioctl:KVM_GET_SUPPORTED_CPUID'>((state, event) => {
  const room = event.args.nentIn;
  const entries = state.host.features?.supported_cpuid_entries;
  const host = entries === undefined ? undefined : { atLeast: entries, atMost: entries };
  return sizedAnswer(room === undefined ? undefined : Math.min(room, MAX_CPUID_ENTRIES), 'KVM_GET_SUPPORTED_CPUID', 4, host);
});

/** MSRs whose value kvm_get_feature_msr() gives itself, for any vendor module (lines 1699-1711). */
const FEATURE_MSRS_ANSWERED = new Set([0x10a, 0x345, 0xce, 0x8b].map(BigInt));
/** MAX_IO_MSRS (line 91): msr_io() refuses nmsrs at or above it with E2BIG. */
const MAX_IO_MSRS = 256;

/**
 * KVM_GET_MSRS on /dev/kvm (line 5147-5149): msr_io(NULL, argp, do_get_feature_msr, 1) returns how
 * many entries it read, stopping at the first it cannot (__msr_io(), lines 4688-4714). The four MSRs
 * kvm_get_feature_msr() answers itself always read; the others are the vendor module's.
 */
export const getFeatureMsrs = systemIoctl<'ioctl:KVM_GET_MSRS'>((_state, event) => {
  const { nmsrs, indices } = event.args;
  if (nmsrs !== undefined && nmsrs >= MAX_IO_MSRS) return { errno: 'E2BIG' };
  if (nmsrs === undefined || indices === undefined) return { unmodelled: 'struct kvm_msrs not shown' };
  const read = indices.findIndex((i) => !FEATURE_MSRS_ANSWERED.has(toBig(i)!));
  return read < 0 ? { ret: nmsrs } : { unmodelled: `MSR ${String(indices[read])} is the vendor module's (get_feature_msr)` };
});

/** KVM_X86_XCOMP_GUEST_SUPP (arch/x86/include/uapi/asm/kvm.h line 500), group 0's one attribute. */
const XCOMP_GUEST_SUPP = 0n;

/**
 * KVM_GET_DEVICE_ATTR / KVM_HAS_DEVICE_ATTR on /dev/kvm (lines 5154-5170): __kvm_x86_dev_get_attr()
 * (lines 5025-5041) hands a non-zero group to the vendor module (-ENXIO without dev_get_attr), and in
 * group 0 knows KVM_X86_XCOMP_GUEST_SUPP only (-ENXIO otherwise). GET then copies the value to addr.
 */
const deviceAttr =
  <K extends 'ioctl:KVM_GET_DEVICE_ATTR' | 'ioctl:KVM_HAS_DEVICE_ATTR'>() =>
  (_state: MachineState, event: EventOf<K>): Answer => {
    const { group, attr } = event.args;
    if (group === undefined || attr === undefined) return { unmodelled: 'struct kvm_device_attr not shown' };
    if (group !== 0) return { unmodelled: `group ${group} is the vendor module's (dev_get_attr)` };
    return toBig(attr) === XCOMP_GUEST_SUPP ? { ret: 0 } : { errno: 'ENXIO' };
  };

export const getDeviceAttr = systemIoctl<'ioctl:KVM_GET_DEVICE_ATTR'>(deviceAttr());
export const hasDeviceAttr = systemIoctl<'ioctl:KVM_HAS_DEVICE_ATTR'>(deviceAttr());
