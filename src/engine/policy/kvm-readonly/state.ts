// What kvm-readonly adds to the machine state.

declare module '../../../model/state.js' {
  interface Vcpu {
    /** An exception KVM queued for the guest and delivers at its next entry (kvm_queue_exception(vcpu, UD_VECTOR)). */
    queuedException?: 'UD';
  }
  interface Vm {
    /** KVM_ENABLE_CAP(KVM_CAP_EXIT_ON_EMULATION_FAILURE) with args[0] = 1: kvm->arch.exit_on_emulation_error (5.14+). */
    exitOnEmulationError?: boolean;
  }
}

export {};
