// Do the CPUs of an ftrace file agree on the time? tracefs stamps each event with its trace_clock;
// the default, "local", is per CPU and "may not be in sync across CPUs" (Documentation/trace/ftrace.rst,
// trace_clock; kernel/trace/trace_clock.c, trace_clock_local() reads sched_clock() of this CPU
// without any cross-CPU correction). A task cannot run on two CPUs at once, so when sched_switch
// takes task P off CPU a at time t1 and later puts it on CPU b at t2, t2 >= t1 on one clock. A
// switch-in stamped before the switch-out shows that b's clock is behind a's by at least t1 - t2.

export interface CpuClockReport {
  /** Task migrations seen (switched out on one CPU, next switched in on another). */
  migrations: number;
  /** The largest t1 - t2 found, seconds (0 when every migration was in order). */
  maxBehindS: number;
  /** The CPUs and the line of that migration. */
  worst?: { from: number; to: number; line: number };
}

export class CpuClockCheck {
  private readonly lastOut = new Map<number, { cpu: number; ts: number; line: number }>();
  private report: CpuClockReport = { migrations: 0, maxBehindS: 0 };

  /** One sched_switch in file order. pid 0 is each CPU's own idle task, never migrated. */
  see(cpu: number, ts: number, prevPid: number, nextPid: number, line: number): void {
    if (nextPid !== 0) {
      const out = this.lastOut.get(nextPid);
      if (out && out.cpu !== cpu) {
        this.report.migrations++;
        const behind = out.ts - ts;
        if (behind > this.report.maxBehindS) this.report = { ...this.report, maxBehindS: behind, worst: { from: out.cpu, to: cpu, line } };
      }
    }
    if (prevPid !== 0 && prevPid !== nextPid) this.lastOut.set(prevPid, { cpu, ts, line });
  }

  result(): CpuClockReport {
    return { ...this.report };
  }
}
