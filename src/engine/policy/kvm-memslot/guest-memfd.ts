import { hex, toBig } from '../../../model/address.js';
import { PAGE_SIZE } from '../../../model/kvm-abi.js';
import type { MachineState, Memslot, Process, Vm } from '../../../model/state.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { withProcess, withVm } from '../../update.js';
import type { EventReducer } from '../define.js';
import type { GuestMemfd } from './events.js';
import type { MemslotParams } from './params.js';

// guest_memfd (6.8+): KVM_CREATE_GUEST_MEMFD makes a file of a VM's private memory, and a
// KVM_MEM_GUEST_MEMFD slot binds a page range of it (virt/kvm/guest_memfd.c, 6.18.2).

/** The fd's path as strace -y would show the file: anon_inode_create_getfile("[kvm-gmem]", ...). */
export const GMEM_PATH = 'anon_inode:[kvm-gmem]';
/** GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED (include/uapi/linux/kvm.h), for a VM without private memory (6.18). */
const GMEM_FLAGS_618 = 3n;

/** Whether this VM may have KVM_MEM_GUEST_MEMFD slots, or the era's rule needs a VM type the model does not make. */
export function guestMemfdAllowed(params: MemslotParams, vm: Vm): boolean | 'unknown' {
  if (params.guestMemfd === 'all-vms') return true;
  if (params.guestMemfd === false) return false;
  // 6.8-6.17: `if (kvm_arch_has_private_mem(kvm)) valid_flags |= KVM_MEM_GUEST_MEMFD;`: only KVM_X86_SW_PROTECTED_VM,
  // SEV-SNP and TDX VMs, which the model does not create; a default VM (type 0) has none.
  return vm.type === 0 ? false : 'unknown';
}

/**
 * KVM_CREATE_GUEST_MEMFD on a VM fd. kvm_gmem_create(): `if (flags & ~kvm_gmem_get_supported_flags(kvm))
 * return -EINVAL; if (size <= 0 || !PAGE_ALIGNED(size)) return -EINVAL;`. Before 6.8 the ioctl does not
 * exist (x86 kvm_arch_vm_ioctl(): -ENOTTY); 6.8-6.17 build it only with CONFIG_KVM_PRIVATE_MEM, and
 * accept no flags (6.12.19 `u64 valid_flags = 0;`).
 */
export function createGuestMemfd(params: MemslotParams): EventReducer<'ioctl:KVM_CREATE_GUEST_MEMFD'> {
  return onFd<'ioctl:KVM_CREATE_GUEST_MEMFD'>(['vm'], (state, event, ctx, on) => {
    const vm = on.vm!;
    if (params.guestMemfd === false) {
      ctx.effects.push({ kind: 'result', errno: 'ENOTTY' });
      return state;
    }
    const size = toBig(event.args.size)!;
    const flags = toBig(event.args.flags)!;
    const valid = params.guestMemfd === 'all-vms' ? GMEM_FLAGS_618 : 0n;
    const refuse = (why: string): MachineState => {
      ctx.effects.push({ kind: 'result', errno: 'EINVAL' }, { kind: 'log', message: `KVM_CREATE_GUEST_MEMFD: ${why}` });
      return state;
    };
    if (flags & ~valid) return refuse(`flags 0x${flags.toString(16)} are not supported`);
    if (size <= 0n || size % PAGE_SIZE !== 0n) return refuse('size must be a positive multiple of the page size');
    if (params.guestMemfd === 'private-vms')
      ctx.effects.push({ kind: 'unmodelled', reason: 'KVM_CREATE_GUEST_MEMFD exists only with CONFIG_KVM_PRIVATE_MEM (6.8-6.17)' });
    else ctx.effects.push({ kind: 'result', newFd: 'gmem' });
    const fd = Number(event.result?.ret);
    if (!Number.isInteger(fd) || fd < 0) return state;
    return remember(state, on.process, vm, fd, { size: hex(size), bindings: [] });
  });
}

/** A new guest_memfd at fd; an older one this process had at that number was closed, whichever VM it was of. */
function remember(state: MachineState, process: Process, vm: Vm, fd: number, file: GuestMemfd): MachineState {
  let next = withProcess(state, { ...process, fds: { ...process.fds, [fd]: { type: 'file', path: GMEM_PATH } } });
  for (const other of next.vms.filter((v) => v.pid === vm.pid && v.id !== vm.id && v.guestMemfds?.[fd])) {
    const { [fd]: _closed, ...rest } = other.guestMemfds!;
    next = withVm(next, { ...other, guestMemfds: rest });
  }
  const mine = next.vms[vm.id]!;
  return withVm(next, { ...mine, guestMemfds: { ...mine.guestMemfds, [fd]: file } });
}

/**
 * kvm_gmem_bind() for a new slot: `file = fget(fd); if (!file) return -EBADF;` then -EINVAL for a file
 * that is no guest_memfd, one of another VM (`gmem->kvm != kvm`), an offset past the file
 * (`offset + size > i_size_read(inode)`), or pages another slot has bound (xa_find on the bindings).
 */
export function bindGuestMemfd(
  process: Process,
  vm: Vm,
  slot: Memslot,
  fd: number,
  offset: bigint,
): { errno: 'EBADF' | 'EINVAL'; why: string } | { vm: Vm } {
  const open = process.fds[fd];
  if (!open) return { errno: 'EBADF', why: `guest_memfd ${fd} is not an open fd` };
  const file = open.type === 'file' && open.path === GMEM_PATH ? vm.guestMemfds?.[fd] : undefined;
  if (!file) {
    const elsewhere = open.type === 'file' && open.path === GMEM_PATH;
    return { errno: 'EINVAL', why: elsewhere ? `fd ${fd} is a guest_memfd of another VM` : `fd ${fd} is not a guest_memfd` };
  }
  const size = BigInt(slot.memorySize);
  if (offset + size > BigInt(file.size))
    return { errno: 'EINVAL', why: `guest_memfd_offset ${hex(offset)} + ${hex(size)} is beyond the file's ${file.size} bytes` };
  const first = offset / PAGE_SIZE;
  const last = first + size / PAGE_SIZE - 1n;
  const taken = file.bindings.find((b) => first <= BigInt(b.last) && BigInt(b.first) <= last);
  if (taken) return { errno: 'EINVAL', why: `pages ${hex(first)}-${hex(last)} of guest_memfd ${fd} are bound to slot ${taken.slot}` };
  const bindings = [...file.bindings, { first: hex(first), last: hex(last), slot: slot.slot }];
  return { vm: { ...vm, guestMemfds: { ...vm.guestMemfds, [fd]: { ...file, bindings } } } };
}

/** A deleted KVM_MEM_GUEST_MEMFD slot gives its pages back (kvm_gmem_unbind()). */
export function unbindGuestMemfd(vm: Vm, slot: Memslot): Vm {
  const fd = slot.guestMemfd?.fd;
  const file = fd === undefined ? undefined : vm.guestMemfds?.[fd];
  if (fd === undefined || !file) return vm;
  return { ...vm, guestMemfds: { ...vm.guestMemfds, [fd]: { ...file, bindings: file.bindings.filter((b) => b.slot !== slot.slot) } } };
}
