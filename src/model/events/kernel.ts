import { z } from 'zod';
import { address, int } from './fields.js';

// The kernel's own trace events (ftrace, trace-cmd), with their fields as the TP_printk formats in
// arch/x86/kvm/trace.h, include/trace/events/kvm.h and include/trace/events/sched.h name them. The
// vCPU id a format prints goes on the event (event.vcpu), not into args.

export const KERNEL_EVENTS = {
  'context_switch:sched_switch': {
    prev_comm: z.string(),
    prev_pid: int,
    prev_prio: int,
    prev_state: z.string(),
    next_comm: z.string(),
    next_pid: int,
    next_prio: int,
  },
  'context_switch:kvm_entry': {
    rip: address.optional(),
    intr_info: address.optional(),
    error_code: address.optional(),
    immediate_exit: z.boolean().optional(),
  },
  /** A hardware exit, handled in the kernel or passed on to userspace (reason as the vendor module names it). */
  'exit:kvm_exit': {
    reason: z.string(),
    rip: address,
    info1: address,
    info2: address,
    intr_info: address.optional(),
    error_code: address.optional(),
    requests: address.optional(),
    isa: int.optional(),
  },
  /** KVM_RUN is about to return: with an exit reason (KVM_EXIT_*), or with an errno (restart is EINTR). */
  'exit:kvm_userspace_exit': { reason: z.string().optional(), code: int, errno: z.string().optional() },
  'exit:kvm_msr': { dir: z.enum(['read', 'write']), msr: address, data: address, fault: z.boolean() },
  'exit:kvm_cpuid': {
    func: address,
    idx: address.optional(),
    rax: address,
    rbx: address,
    rcx: address,
    rdx: address,
    found: z.boolean().optional(),
    used_max_basic: z.boolean().optional(),
  },
  'fault:kvm_mmio': { type: z.string(), len: int, gpa: address, val: address.optional() },
  'fault:kvm_pio': { dir: z.enum(['read', 'write']), port: int, size: int, count: int, val: address.optional() },
  'fault:kvm_page_fault': { address: address, error_code: address, rip: address.optional() },
  'hypercall:kvm_hypercall': { nr: address, a0: address, a1: address, a2: address, a3: address },
  'guest:kvm_set_irq': { gsi: int, level: int, source: int },
  'marker:tracing_mark_write': { text: z.string() },
};
