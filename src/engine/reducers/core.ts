import type { Arch, EventReducers } from '../policy/define.js';
import { X86_CORE_CAPABILITIES } from '../kvm/capabilities.js';
import { guestMode } from './guest.js';
import { kvmExit, kvmUserspaceExit } from './exits.js';
import { runVcpu } from './kvm-run.js';
import { checkExtension, createVm, getApiVersion, getVcpuMmapSize } from './kvm-system.js';
import { createVcpu } from './kvm-vcpu.js';
import { enableCap } from './enable-cap.js';
import { execve, forkProcess, hostReclaim, sysctlWrite, taskExit } from './process.js';
import { kvmEntry, schedSwitch } from './sched.js';
import { close, dup, eventFd, fcntl, mmap, mprotect, munmap, openFile } from './syscall.js';

// What the core reducers own: generic host and KVM behaviour, on every architecture. A policy area
// adds its own events and answers the core's hooks; it may not claim anything listed here.

export const CORE_REDUCERS: EventReducers = {
  'ioctl:KVM_GET_API_VERSION': getApiVersion,
  'ioctl:KVM_CREATE_VM': createVm,
  'ioctl:KVM_CHECK_EXTENSION': checkExtension,
  'ioctl:KVM_CREATE_VCPU': createVcpu,
  'ioctl:KVM_RUN': runVcpu,
  'ioctl:KVM_ENABLE_CAP': enableCap,
  'ioctl:KVM_GET_VCPU_MMAP_SIZE': getVcpuMmapSize,
  'syscall:mmap': mmap,
  'syscall:munmap': munmap,
  'syscall:mprotect': mprotect,
  'syscall:open': openFile,
  'syscall:openat': openFile,
  'syscall:close': close,
  'syscall:dup': dup,
  'syscall:dup2': dup,
  'syscall:dup3': dup,
  'syscall:fcntl': fcntl,
  'syscall:eventfd': eventFd,
  'syscall:eventfd2': eventFd,
  'syscall:execve': execve,
  'syscall:fork': forkProcess,
  'syscall:vfork': forkProcess,
  'syscall:clone': forkProcess,
  'syscall:sysctl_write': sysctlWrite,
  'context_switch:sched_switch': schedSwitch,
  'context_switch:kvm_entry': kvmEntry,
  'exit:kvm_exit': kvmExit,
  'exit:kvm_userspace_exit': kvmUserspaceExit,
  'guest:guest_mode': guestMode,
  'generic:task_exit': taskExit,
  'fault:host_reclaim': hostReclaim,
};

/** Hook decisions the core makes itself (src/engine/reducers/kvm-system.ts), so no area may claim them. */
export const CORE_CLAIMS: readonly (readonly ['capability' | 'vmCreate', string, readonly Arch[]])[] = [
  ...X86_CORE_CAPABILITIES.map((cap) => ['capability', cap, ['x86_64']] as const),
  ['vmCreate', 'vmCreate', ['x86_64']],
];
