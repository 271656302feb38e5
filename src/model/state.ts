// The machine state every reducer rebuilds (DESIGN.md, "Machine state"). Plain data only: it
// serialises to JSON as it is, and two states compare by the hash of that JSON.

/** Xen's runstate numbering (xen/include/public/vcpu.h RUNSTATE_*), used for host threads too. */
export const RUN_STATES = ['running', 'runnable', 'blocked', 'offline'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface Runstate {
  state: RunState;
  /** Trace seconds when `state` was entered; null until a timed event is seen. */
  stateEntryTime: number | null;
  /** Seconds accumulated in running, runnable, blocked, offline: Xen's `time[4]`. */
  time: [number, number, number, number];
}

export interface Vma {
  start: string;
  end: string;
  /** As strace prints it: "PROT_READ|PROT_WRITE", or "PROT_NONE". */
  prot: string;
  flags: string;
  file?: string;
  /** Seq of the mmap that created it: the late-mmap RFC needs to know what came before a VM. */
  mappedAt: number;
}

export type FdTarget =
  { type: 'kvm' } | { type: 'vm'; vm: number } | { type: 'vcpu'; vm: number; vcpu: number } | { type: 'file'; path: string };

// Vm, Vcpu, Process and HostFacts are interfaces so that a policy area can declare, in its own
// folder, the fields it adds (declaration merging): the core knows none of them.

export interface Process {
  pid: number;
  comm?: string;
  vmas: Vma[];
  fds: Record<string, FdTarget>;
  /** Page-aligned host addresses whose pages the host reclaimed (swapped out) and no fault brought back. */
  reclaimed?: string[];
  /** Tids of its other live threads, where the trace shows them made (clone with CLONE_VM) or gone (their exit). */
  threads?: number[];
  /** The executable the last execve ran. */
  exe?: { path: string };
  exited?: { code?: number; signal?: string };
}

export interface Memslot {
  /** The ioctl's slot field: (address space << 16) | id. */
  slot: number;
  flags: number;
  guestPhysAddr: string;
  memorySize: number;
  userspaceAddr: string;
}

export interface Vcpu {
  id: number;
  fd?: number;
  tid?: number;
  runstate: Runstate;
  /** True between a KVM_RUN entry and its return, where the source shows both. */
  inGuest: boolean;
  /** The trace has sched_switch for this vCPU's thread: from then on only the scheduler changes its run state. */
  schedTraced?: boolean;
  /** The last exit to userspace (KVM_EXIT_*), observed or predicted. */
  lastExit?: string;
  /** Exits to userspace by reason. */
  exitCounts: Record<string, number>;
  /** Hardware exits handled in the kernel (ftrace kvm_exit reasons). */
  hwExitCounts: Record<string, number>;
  /** An exit the policy predicts for the current KVM_RUN, not yet returned. */
  pendingExit?: string;
  /** An exit already counted from ftrace's kvm_userspace_exit, so strace's KVM_RUN return of it is not counted twice. */
  countedExit?: string;
  /** The counted exit was predicted, so strace's KVM_RUN return of it is predicted too (0). */
  countedPredicted?: true;
  guestMode?: 'kernel' | 'user';
  /** What the predicted exit carries (kvm_run.mmio: gpa, len, data; internal.suberror), for KVM_RUN to report. */
  pendingExitDetail?: Record<string, number | string>;
  /** An errno the next KVM_RUN returns instead of an exit (-EFAULT, say). */
  pendingErrno?: string;
  /** The detail of the last exit (as pendingExitDetail), once KVM_RUN returned it. */
  lastExitDetail?: Record<string, number | string>;
}

export interface Vm {
  id: number;
  pid: number;
  fd?: number;
  type: number;
  arch: string;
  /** 'inferred' when only trace events (no KVM_CREATE_VM) showed that a VM existed. */
  origin: 'created' | 'inferred';
  status: 'running' | 'crashed';
  crash?: { seq: number; reason: string };
  /** Seq of the KVM_CREATE_VM that made it. */
  createdAt?: number;
  memslots: Memslot[];
  vcpus: Vcpu[];
  /** KVM_ENABLE_CAP calls the kernel accepted whose capability the trace does not show (strace prints an address). */
  unseenEnableCaps?: number;
}

/** Facts about the host no trace shows (a kernel config option, a CPU feature): areas declare theirs here. */
export interface HostFacts {
  [fact: string]: unknown;
  /** KVM_CHECK_EXTENSION answers of the host's build, CPU and machine, by fd kind (model/events/host.ts CORE_HOST_FACTS). */
  kvm_caps?: { system?: Record<string, number>; vm?: Record<string, number> };
}

export interface CpuState {
  tid: number;
  comm: string;
  since: number | null;
}

export interface MachineState {
  /** Seq of the last event applied; -1 before any. */
  seq: number;
  /** Trace seconds of the last timed event. */
  now: number | null;
  host: {
    arch: string;
    processes: Record<string, Process>;
    cpus: Record<string, CpuState>;
    sysctls: Record<string, string>;
    /** Host facts a scenario states and no trace shows; each area declares the ones it reads. */
    features?: HostFacts;
  };
  vms: Vm[];
}

export function initialState(arch = 'x86_64'): MachineState {
  return { seq: -1, now: null, host: { arch, processes: {}, cpus: {}, sysctls: {} }, vms: [] };
}

export function newRunstate(state: RunState, at: number | null): Runstate {
  return { state, stateEntryTime: at, time: [0, 0, 0, 0] };
}
