import { hex, toBig } from '../../model/address.js';
import type { TraceEvent } from '../../model/event.js';

// The port or guest physical address of a KVM_RUN exit, as the kernel's own trace shows it, read
// without any policy (the rules of arch/x86/kvm/x86.c, Linux 6.18.2, that every variant shares):
// - KVM_EXIT_MMIO: the exiting access is the run's last kvm_mmio write or `unsatisfied-read`
//   (write_mmio() traces every write before trying the bus, line 8137; read_exit_mmio() traces only
//   the reads handed to userspace, line 8144), and nothing is traced after it in the run;
// - KVM_EXIT_IO: an OUT is traced before the exit (emulator_pio_out(), line 8476), an IN served by
//   userspace only by its completion, the first kvm_pio of the next KVM_RUN (complete_emulator_pio_in(),
//   line 8448). So a run with no OUT exited on an IN, whose port the next run shows; a run whose last
//   OUT is followed by a next run that does not start with a read exited on that OUT; and a run whose
//   last OUT is followed by a next run starting with a read, or by no run at all, is ambiguous (the OUT
//   went to a device in the kernel and an IN exited, or the OUT exited and the guest then read a port
//   the kernel answers).

export interface ExitDetail {
  direction?: 'in' | 'out';
  port?: number;
  gpa?: string;
  is_write?: number;
}

interface Access {
  pio: boolean;
  write: boolean;
  unsatisfied: boolean;
  addr: number | string;
}

/** An IO exit whose cause the next run tells. */
interface Open {
  out?: Access;
  settle: (observed: ExitDetail | 'ambiguous') => void;
}

interface Thread {
  accesses: number;
  lastOut?: Access;
  lastMmio?: Access;
  open?: Open;
}

function accessOf(event: TraceEvent): Access | undefined {
  const a = event.args;
  if (event.name === 'kvm_pio' && typeof a.port === 'number')
    return { pio: true, write: a.dir === 'write', unsatisfied: false, addr: a.port };
  if (event.name === 'kvm_mmio') {
    const gpa = toBig(a.gpa);
    if (gpa === undefined) return undefined;
    return { pio: false, write: a.type === 'write', unsatisfied: a.type === 'unsatisfied-read', addr: hex(gpa) };
  }
  return undefined;
}

export class ExitDetails {
  private readonly threads = new Map<string, Thread>();

  private thread(key: string): Thread {
    let t = this.threads.get(key);
    if (!t) this.threads.set(key, (t = { accesses: 0 }));
    return t;
  }

  /** A kvm_pio or kvm_mmio of the vCPU `key`. */
  access(key: string, event: TraceEvent): void {
    const a = accessOf(event);
    if (!a) return;
    const t = this.thread(key);
    if (t.accesses === 0 && t.open) this.resolve(t, a);
    t.accesses++;
    if (a.pio && a.write) t.lastOut = a;
    if (!a.pio && (a.write || a.unsatisfied)) t.lastMmio = a;
  }

  /**
   * A KVM_RUN return of the vCPU `key` the kernel traced; for an exit, `settle` gets what the trace shows
   * of its cause, now or once the next run tells ('ambiguous' where it cannot; undefined where it shows nothing).
   */
  returned(key: string, reason: string | undefined, settle: (observed: ExitDetail | 'ambiguous' | undefined) => void): void {
    const t = this.thread(key);
    if (t.accesses === 0 && t.open) this.resolve(t, undefined);
    const { lastOut, lastMmio } = t;
    this.threads.set(key, { accesses: 0 });
    if (reason === 'KVM_EXIT_MMIO') settle(lastMmio ? { gpa: String(lastMmio.addr), is_write: lastMmio.write ? 1 : 0 } : undefined);
    else if (reason === 'KVM_EXIT_IO') this.thread(key).open = { ...(lastOut ? { out: lastOut } : {}), settle };
    else if (reason !== undefined) settle(undefined);
  }

  /** The next run's first access, or none before the run ended, tells what the open IO exit was. */
  private resolve(t: Thread, first: Access | undefined): void {
    const open = t.open!;
    delete t.open;
    const completion = first !== undefined && first.pio && !first.write;
    if (!open.out) open.settle(completion ? { direction: 'in', port: first.addr as number } : { direction: 'in' });
    else if (completion) open.settle('ambiguous');
    else open.settle({ direction: 'out', port: open.out.addr as number });
  }

  /**
   * Exits still open at the end of the trace, with no next run to tell: without an OUT, an IN; after
   * an OUT, that OUT or an IN whose completion no run traced (the OUT taken by a kernel device or a
   * coalesced zone), so ambiguous.
   */
  finish(): void {
    for (const t of this.threads.values()) {
      const open = t.open;
      if (!open) continue;
      delete t.open;
      open.settle(open.out ? 'ambiguous' : { direction: 'in' });
    }
  }
}

/** The fields a prediction and an observation both give, compared; undefined when they share none. */
export function compareDetail(predicted: Record<string, number | string> | undefined, observed: ExitDetail): boolean | undefined {
  if (!predicted) return undefined;
  let compared = false;
  for (const field of ['direction', 'port', 'gpa', 'is_write'] as const) {
    const p = predicted[field];
    const o = observed[field];
    if (p === undefined || o === undefined) continue;
    compared = true;
    if (field === 'gpa' ? toBig(p) !== toBig(o) : p !== o) return false;
  }
  return compared ? true : undefined;
}
