import type { NewEvent } from '../../model/event.js';

// What one KVM_RUN ended with, as each observer reports it. strace --kvm=vcpu prints the exit reason
// after a 0 return (`= 0 (KVM_EXIT_IO)`) or an errno (`= -1 EINTR`); the kernel's kvm_userspace_exit
// prints the same reason, or "restart (4)" for -EINTR and "error (N)" for another errno
// (include/trace/events/kvm.h, kvm_userspace_exit). The two name one exit the same way, so the
// outcome helps to pair a call with its tracepoint. Undefined: the observer did not say (strace
// without --kvm=vcpu, a call cut off by the end of the recording).

export type Outcome = string | undefined;

/** A KVM_RUN's (strace) or a kvm_userspace_exit's (ftrace) outcome: both parsers put it in `result`. */
export function outcomeOf(event: NewEvent): Outcome {
  const r = event.result;
  if (!r) return undefined;
  if (r.errno !== undefined) return `errno ${r.errno}`;
  return r.exit;
}

/**
 * Both observers may describe one exit: the same errno, or both an exit to userspace, or one of them
 * silent. Which exit reason is compared apart (`reasonsDiffer`): strace reads it back from the vCPU
 * fd's mapping after the return and can get it wrong (with a dirty ring mapped on the same fd it
 * reads the ring: the shared migrate-dirty-ring recording), while the errno is the call's own.
 */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a === undefined || b === undefined) return true;
  return a.startsWith('errno ') || b.startsWith('errno ') ? a === b : true;
}

/** Two exits to userspace that name different reasons. */
export function reasonsDiffer(a: Outcome, b: Outcome): boolean {
  return a !== undefined && b !== undefined && a !== b && !a.startsWith('errno ') && !b.startsWith('errno ');
}
