// What the I/O bus area adds to the machine state: per VM, the in-kernel devices and the VMM's
// registrations on the PIO and MMIO buses; per vCPU, where its current KVM_RUN stands.

/** A device the VMM registered whose arguments the trace shows (KVM_IOEVENTFD, KVM_REGISTER_COALESCED_MMIO). */
export interface Registration {
  kind: 'ioeventfd' | 'coalesced';
  bus: 'pio' | 'mmio';
  /** Hex, as state keeps addresses. */
  addr: string;
  len: number;
  /** ioeventfd only: the value a write must carry (KVM_IOEVENTFD_FLAG_DATAMATCH), hex. */
  datamatch?: string;
  /** ioeventfd only: the eventfd it signals. */
  eventfd?: number;
}

/**
 * Where an irqchip is: none, KVM_CREATE_IRQCHIP's (PIC, IOAPIC and a LAPIC per vCPU), the split one of
 * KVM_CAP_SPLIT_IRQCHIP (LAPICs only), or not known because a KVM_ENABLE_CAP was traced without its
 * capability (strace prints struct kvm_enable_cap as an address) and may have been the split one.
 */
export type IrqchipMode = 'none' | 'full' | 'split' | 'none-or-split';

export interface VmIoBus {
  irqchip: IrqchipMode;
  /** Vm.unseenEnableCaps when the irqchip was last known to be none (mode.ts). */
  irqchipKnownAt?: number;
  /** KVM_CREATE_PIT2's PIT; whether it has the PC speaker at 0x61 (KVM_PIT_SPEAKER_DUMMY), when the flags were traced. */
  pit?: { speaker: boolean | 'unknown' };
  /** Registrations with their arguments, in kvm_io_bus order (bus.ts). */
  devices: Registration[];
  /**
   * Registrations the kernel accepted whose arguments the trace does not show: while there are any, a
   * write no known device takes may be taken by one of them, and the kernel's own behaviour decides (`learned`).
   */
  hidden: number;
  /**
   * What the kernel did with writes that only a hidden registration could have taken, by `bus:addr:len`:
   * taken in the kernel, or handed to userspace. Forgotten whenever a hidden registration comes or goes.
   */
  learned: Record<string, 'kernel' | 'userspace'>;
  /** Writes the kernel put into the coalesced MMIO ring, which holds KVM_COALESCED_MMIO_MAX - 1 before it is full. */
  ringWrites: number;
}

/** A write of the current run that only a hidden registration could have taken: the rest of the run tells. */
export interface UndecidedWrite {
  bus: 'pio' | 'mmio';
  addr: number;
  len: number;
  /** Where the kernel's answer is remembered (VmIoBus.learned). */
  key: string;
  /** kvm_run.io or kvm_run.mmio, should it be the exit. */
  detail: Record<string, number | string>;
}

/** What a KVM_RUN return leaves for the next run to complete or to tell. */
export type AfterReturn =
  /** An IN that userspace serves: complete_emulator_pio_in() traces it first thing in the next KVM_RUN. */
  | { kind: 'pio-in' }
  /** An MMIO read userspace serves: the next KVM_RUN re-emulates it and traces `mmio read` with the value. */
  | { kind: 'mmio-read'; gpa: string }
  /** A write nobody was known to take, then an exit: an OUT that exited, or a taken write and an untraced IN. */
  | { kind: 'undecided'; write: UndecidedWrite };

export interface VcpuIo {
  /** Accesses kvm_pio/kvm_mmio showed in the current run. */
  accesses: number;
  undecided?: UndecidedWrite;
  /** The run showed something the model cannot explain: it predicts no exit for it. */
  unexplained?: true;
  after?: AfterReturn;
  /** The learned place the exit predicted in this run rests on, so that the guest going on unlearns it. */
  exitBasis?: string;
  /** MSR_IA32_APICBASE as far as the trace shows it: hex value, or 'unknown' after a VMM ioctl that may have set it unseen. */
  apicBase?: string | 'unknown';
}

declare module '../../../model/state.js' {
  interface HostFacts {
    /** CONFIG_KVM_IOAPIC (6.18+, default y): KVM's PIC, IOAPIC and PIT, and the ioctls that make them. */
    kvm_ioapic?: boolean;
  }
  interface Vm {
    iobus?: VmIoBus;
  }
  interface Vcpu {
    io?: VcpuIo;
  }
}
