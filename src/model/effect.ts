// What a policy predicts an event causes. Observed results live on the event; these are the model's
// side of every comparison (conform, diff, scenario expectations).

export type Effect =
  /** The return of a syscall, ioctl or hypercall: a value, a new fd, or an errno. */
  | { kind: 'result'; ret?: number; errno?: string; newFd?: 'vm' | 'vcpu' | 'gmem' }
  /**
   * KVM_RUN returns to userspace with this exit reason and `detail`, or one of `alternatives` where the
   * kernel's choice hangs on something no trace shows; `basis` names what the prediction rests on beyond
   * the decoded trace.
   */
  | {
      kind: 'exit';
      vm: number;
      vcpu: number;
      reason: string;
      detail?: Record<string, number | string>;
      alternatives?: readonly string[];
      basis?: string;
    }
  /** The VM can no longer run (a fault pfn on the page-fault path, say). */
  | { kind: 'crash'; vm: number; reason: string }
  /** A memslot changed, as kvm_set_memory_region() classifies it (KVM_MR_*). */
  | { kind: 'memslot'; vm: number; slot: number; change: 'create' | 'delete' | 'move' | 'flags_only' }
  /** Something the kernel or hypervisor would log (Xen's gprintk, say). */
  | { kind: 'log'; message: string }
  /** An exception KVM queues for the guest, delivered at its next entry (#UD for an instruction the emulator cannot handle). */
  | { kind: 'exception'; vm: number; vcpu: number; vector: string; reason: string }
  /** Bytes the hypervisor writes into guest memory (a runstate area update, say). */
  | { kind: 'guest_write'; vm: number; vcpu: number; gpa: string; what: string; value: unknown; bytes?: number }
  /** An event the model understands but could not apply, and why. */
  | { kind: 'unmodelled'; reason: string };

export type EffectKind = Effect['kind'];
