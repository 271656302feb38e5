// ftrace parser: tokenized lines -> TraceEvents. One switch on the event name per line; only the
// events hvreplay models get a payload regex, everything else is a generic event with its raw text.

import type { NewEvent } from '../../model/event.js';
import type { LineParser, ParserContext } from '../format.js';
import * as p from './payload.js';
import { tokenizeFtraceLine } from './tokenizer.js';

export const FTRACE_STATS = {
  header: 'ftrace.header_line',
  blank: 'ftrace.blank_line',
  unparsed: 'ftrace.unparsed_line',
  unrecognizedPayload: 'ftrace.unrecognized_payload',
  backwards: 'ftrace.timestamp_backwards',
} as const;

type Decoder = (payload: string) => p.Decoded | undefined;

const DECODERS: Record<string, Decoder> = {
  kvm_exit: p.decodeKvmExit,
  kvm_entry: p.decodeKvmEntry,
  kvm_userspace_exit: p.decodeKvmUserspaceExit,
  kvm_mmio: p.decodeKvmMmio,
  kvm_pio: p.decodeKvmPio,
  kvm_page_fault: p.decodeKvmPageFault,
  kvm_hypercall: p.decodeKvmHypercall,
  kvm_msr: p.decodeKvmMsr,
  kvm_cpuid: p.decodeKvmCpuid,
  kvm_set_irq: p.decodeKvmSetIrq,
  kvm_dirty_ring_push: p.decodeKvmDirtyRingPush,
  kvm_dirty_ring_reset: p.decodeKvmDirtyRingReset,
  sched_switch: p.decodeSchedSwitch,
};

/** trace-cmd report's first lines: `cpus=2`, `version = 6`, and per-CPU headers of some versions. */
const REPORT_HEADER = /^(?:cpus=\d+|version = \d+|CPU \d+ is empty|CPU\d+ data recorded at offset=)/;

export function isFtraceHeader(line: string): boolean {
  return line.charCodeAt(0) === 0x23 /* # */ || REPORT_HEADER.test(line);
}

export function createFtraceParser(ctx: ParserContext): LineParser {
  const file = ctx.file;
  const stats = ctx.stats;
  const emit = ctx.emit;
  // tracefs and trace-cmd print every CPU's events merged in time order, so a timestamp smaller than
  // the one before is a fact about the file (a cut-and-pasted trace, two captures concatenated): the
  // event stays where it is, and the finding says where the time went back.
  let lastTs = -Infinity;
  return {
    line(text: string, lineNo: number): void {
      const f = tokenizeFtraceLine(text);
      if (f === undefined) {
        if (text.trim() === '') stats.count(FTRACE_STATS.blank);
        else if (isFtraceHeader(text)) stats.count(FTRACE_STATS.header);
        else
          stats.problem(
            FTRACE_STATS.unparsed,
            file,
            lineNo,
            'expected an ftrace event line: TASK-PID [CPU] [FLAGS] TIMESTAMP: EVENT: FIELDS',
            text,
          );
        return;
      }
      if (f.ts < lastTs)
        stats.finding(FTRACE_STATS.backwards, file, lineNo, `time goes back ${(lastTs - f.ts).toFixed(6)} s from the line before`, text);
      lastTs = f.ts;
      const name = f.event;
      const ev: NewEvent = {
        kind: 'generic',
        name,
        ts: f.ts,
        pid: f.pid,
        tid: f.pid,
        comm: f.comm,
        cpu: f.cpu,
        args: {},
        src: { file, line: lineNo },
      };
      if (name === 'tracing_mark_write') {
        ev.kind = 'marker';
        ev.args = { text: f.payload };
      } else {
        const decode = DECODERS[name];
        const d = decode === undefined ? undefined : decode(f.payload);
        if (d !== undefined) {
          ev.kind = d.kind;
          ev.args = d.args;
          if (d.vcpu !== undefined) ev.vcpu = d.vcpu;
          if (d.result !== undefined) ev.result = d.result;
        } else {
          if (decode !== undefined)
            stats.problem(FTRACE_STATS.unrecognizedPayload, file, lineNo, `${name} payload not in a known format; kept as generic`, text);
          ev.args = p.decodeGeneric(f.payload);
        }
      }
      emit(ev);
    },
    end(): void {},
  };
}
