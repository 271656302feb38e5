// strace parser: tokenized lines -> TraceEvents with the canonical args the reducers read.
//
// Ordering: an `<unfinished ...>` call becomes ONE event at the position and time of its start line,
// completed by its later `<... NAME resumed>` on the same tid. Events after a still-open call are
// held in a queue until it resumes, so the emitted order is the order of the start lines.
//
// Tasks: event.tid is the strace pid column. event.pid is the thread-group leader. With -f and a
// trace= filter that hides clone(), strace never says which thread belongs to which process, so
// the first pid column seen in a file is taken as the leader of every tid in that file. Lines with
// no pid column carry no pid/tid (strace without -f, or -f writing to stderr while only one task is
// traced).

import type { Args, NewEvent, ObservedResult } from '../../model/event.js';
import type { LineParser, ParserContext } from '../format.js';
import { parseInteger } from '../numbers.js';
import { decodeSyscall, num, putFd } from './syscall-args.js';
import { scanArgs, splitArgs, splitCall, tokenizeStraceLine, type StraceLine } from './tokenizer.js';

export const STRACE_STATS = {
  unparsed: 'strace.unparsed_line',
  blank: 'strace.blank_line',
  toolMessage: 'strace.tool_message',
  wallclock: 'strace.wallclock_time_of_day',
  joined: 'strace.resumed_joined',
  neverResumed: 'strace.never_resumed',
  orphanResume: 'strace.resumed_without_start',
  unknownMemslotFlag: 'strace.unknown_memslot_flag',
  unbalanced: 'strace.unbalanced_arguments',
} as const;

const UNBALANCED = 'the arguments do not close: a bracket or quote is left open or closes one never opened';

/** include/uapi/linux/kvm.h */
const MEMSLOT_FLAGS: Record<string, number> = {
  KVM_MEM_LOG_DIRTY_PAGES: 1,
  KVM_MEM_READONLY: 2,
  KVM_MEM_GUEST_MEMFD: 4,
};

interface Pending {
  event: NewEvent | undefined;
  /** For an unfinished call: its name and the argument text before `<unfinished ...>`. */
  open?: { name: string; argsText: string; line: number; text: string };
}

const RET = /^(0x[0-9a-fA-F]+|-?\d+|\?)(?:<([^>]*)>)?(?: (E[A-Z0-9_]+)(?: \([^)]*\))?)?(?: \(([^)]*)\))?/;

export function createStraceParser(ctx: ParserContext): LineParser {
  let leader: number | undefined;
  let sawTimeOfDay = false;
  /** Events waiting for an earlier unfinished call; the head is emitted as soon as it is complete. */
  const queue: Pending[] = [];
  const openByTid = new Map<number | undefined, Pending>();

  function flush(): void {
    while (queue.length > 0 && queue[0]!.open === undefined) ctx.emit(queue.shift()!.event!);
  }

  function push(event: NewEvent): void {
    if (queue.length === 0) ctx.emit(event);
    else queue.push({ event });
  }

  /** An event of this line's task and time. Every event is made here, so all have one shape (no spreads: they cost a third of the parse). */
  function base(tok: StraceLine, lineNo: number, kind: NewEvent['kind'], name: string, args: Args): NewEvent {
    const ev: NewEvent = { kind, name, args, src: { file: ctx.file, line: lineNo } };
    if (tok.ts !== undefined) ev.ts = tok.ts;
    if (tok.tid !== undefined) {
      ev.tid = tok.tid;
      ev.pid = leader ?? tok.tid;
    }
    return ev;
  }

  function line(text: string, lineNo: number): void {
    if (text.trim() === '') {
      ctx.stats.count(STRACE_STATS.blank);
      return;
    }
    const tok = tokenizeStraceLine(text);
    if (!tok) {
      ctx.stats.problem(
        STRACE_STATS.unparsed,
        ctx.file,
        lineNo,
        'expected an strace line: [PID] [TIME] NAME(ARGS) = RESULT [<DURATION>], a --- signal ---, a +++ exit +++ or a <... resumed> call',
        text,
      );
      return;
    }
    if (tok.tid !== undefined && leader === undefined) leader = tok.tid;
    if (tok.clock === 'time_of_day' && !sawTimeOfDay) {
      sawTimeOfDay = true;
      ctx.stats.count(STRACE_STATS.wallclock);
    }
    const body = tok.body;
    switch (body.type) {
      case 'tool_message':
        ctx.stats.count(STRACE_STATS.toolMessage);
        return;
      case 'signal':
        push(base(tok, lineNo, 'generic', 'signal', { signal: body.signal, info: body.info }));
        return;
      case 'exit':
        abandonOpenCall(tok.tid);
        push(base(tok, lineNo, 'generic', 'task_exit', body.code !== undefined ? { code: body.code } : { signal: body.signal ?? null }));
        return;
      case 'call': {
        if (body.unfinished) {
          abandonOpenCall(tok.tid);
          const pending: Pending = { event: undefined, open: { name: body.name, argsText: body.argsText, line: lineNo, text } };
          pending.event = base(tok, lineNo, 'syscall', body.name, {});
          queue.push(pending);
          openByTid.set(tok.tid, pending);
          return;
        }
        const scan = scanArgs(body.argsText);
        if (!scan.balanced) {
          ctx.stats.problem(STRACE_STATS.unbalanced, ctx.file, lineNo, UNBALANCED, text);
          return;
        }
        push(
          buildCall(
            base(tok, lineNo, 'syscall', body.name, {}),
            body.name,
            body.argsText,
            scan.parts,
            body.retText,
            body.duration,
            lineNo,
            text,
          ),
        );
        return;
      }
      case 'resumed': {
        const pending = openByTid.get(tok.tid);
        if (!pending || !pending.open || pending.open.name !== body.name) {
          ctx.stats.problem(
            STRACE_STATS.orphanResume,
            ctx.file,
            lineNo,
            `<... ${body.name} resumed> with no unfinished call on this task`,
            text,
          );
          return;
        }
        openByTid.delete(tok.tid);
        // A call interrupted by the death of its task reads `<... ioctl resumed> <unfinished ...>) = ?`.
        const rest = body.rest.startsWith(' <unfinished ...>') ? body.rest.slice(' <unfinished ...>'.length) : body.rest;
        const whole = splitCall(body.name, pending.open.argsText + rest);
        if (!whole || whole.type !== 'call') {
          ctx.stats.problem(STRACE_STATS.unparsed, ctx.file, lineNo, 'resumed call does not complete its start', text);
          return;
        }
        const scan = scanArgs(whole.argsText);
        if (!scan.balanced) {
          // Neither half is in the trace: the start line's event goes with its resumption.
          ctx.stats.problem(STRACE_STATS.unbalanced, ctx.file, lineNo, UNBALANCED, text);
          queue.splice(queue.indexOf(pending), 1);
          flush();
          return;
        }
        pending.event = buildCall(
          pending.event!,
          body.name,
          whole.argsText,
          scan.parts,
          whole.retText,
          whole.duration,
          pending.open.line,
          pending.open.text,
        );
        delete pending.open;
        ctx.stats.count(STRACE_STATS.joined);
        flush();
        return;
      }
    }
  }

  /**
   * A call that will not resume: its task exited, started another call, or the file ended. It keeps
   * what its start line shows, without a result, and stops holding back the events after it (which
   * would otherwise wait in memory until the end of the file).
   */
  function abandon(pending: Pending): void {
    const open = pending.open!;
    ctx.stats.finding(STRACE_STATS.neverResumed, ctx.file, open.line, `${open.name} never resumed`, open.text);
    pending.event = buildCall(
      pending.event!,
      open.name,
      open.argsText,
      splitArgs(open.argsText),
      undefined,
      undefined,
      open.line,
      open.text,
    );
    delete pending.open;
  }

  /** The task's unfinished call, if any, will not resume. */
  function abandonOpenCall(tid: number | undefined): void {
    const pending = openByTid.get(tid);
    if (!pending) return;
    openByTid.delete(tid);
    abandon(pending);
    flush();
  }

  /** `ev`, the event of the call's start line, completed in place. */
  function buildCall(
    ev: NewEvent,
    name: string,
    argsText: string,
    /** argsText split at its top-level commas (scanArgs), which the caller has checked. */
    argv: string[],
    retText: string | undefined,
    duration: number | undefined,
    lineNo: number,
    text: string,
  ): NewEvent {
    const result: ObservedResult = {};
    if (retText !== undefined) parseRet(retText, result);
    if (duration !== undefined) result.duration = duration;
    if (name === 'ioctl') {
      const args: Args = {};
      const vcpu = putFd(args, argv[0]);
      const request = argv[1] ?? '';
      decodeIoctl(request, argv.slice(2).join(', '), args, lineNo, text);
      ev.kind = 'ioctl';
      ev.name = request;
      ev.args = args;
      if (vcpu !== undefined) ev.vcpu = vcpu;
      if (retText !== undefined || duration !== undefined) ev.result = result;
      return ev;
    }
    const args = decodeSyscall(name, argv, argsText);
    ev.kind = 'syscall';
    ev.name = name;
    ev.args = args;
    if (retText !== undefined || duration !== undefined) ev.result = result;
    return ev;
  }

  function decodeIoctl(request: string, third: string, args: Args, lineNo: number, text: string): void {
    switch (request) {
      case 'KVM_CREATE_VM':
        args.type = num(third);
        return;
      case 'KVM_CREATE_VCPU':
        args.id = num(third);
        return;
      // Scalar arguments: an address or a value, not a pointer to a struct.
      case 'KVM_SET_TSS_ADDR':
        args.addr = num(third);
        return;
      case 'KVM_SET_TSC_KHZ':
        args.khz = num(third);
        return;
      case 'KVM_GET_VCPU_MMAP_SIZE':
      case 'KVM_CREATE_IRQCHIP':
      case 'KVM_GET_TSC_KHZ':
      case 'KVM_KVMCLOCK_CTRL':
        args.arg = num(third);
        return;
      // struct kvm_cpuid2 as strace 6.1 prints it, `{nent=19, entries=[...]}`: only the count is kept.
      // KVM_GET_SUPPORTED_CPUID is printed after the call (the kernel's count), and only when it succeeded.
      case 'KVM_SET_CPUID2':
      case 'KVM_GET_SUPPORTED_CPUID': {
        const nent = third.startsWith('{') ? structFields(third).find(([key]) => key === 'nent') : undefined;
        if (!nent) break;
        args.nent = num(nent[1]);
        return;
      }
      case 'KVM_CHECK_EXTENSION': {
        const n = parseInteger(third);
        args.cap = n ?? third;
        return;
      }
      case 'KVM_SET_USER_MEMORY_REGION':
      case 'KVM_SET_USER_MEMORY_REGION2': {
        const fields = third.startsWith('{') && third.endsWith('}') ? structFields(third) : undefined;
        if (!fields) break;
        for (const [key, value] of fields) {
          if (key === 'flags') args.flags = memslotFlags(value, lineNo, text);
          else args[key] = parseInteger(value) ?? value;
        }
        return;
      }
    }
    args.raw = third;
  }

  function memslotFlags(text: string, lineNo: number, lineText: string): number {
    let flags = 0;
    for (const part of text.split('|')) {
      const known = MEMSLOT_FLAGS[part];
      const n = known ?? parseInteger(part);
      if (typeof n === 'number') flags |= n;
      else ctx.stats.problem(STRACE_STATS.unknownMemslotFlag, ctx.file, lineNo, `unknown memslot flag ${part}`, lineText);
    }
    return flags;
  }

  return {
    line,
    end(): void {
      for (const pending of queue) if (pending.open) abandon(pending);
      flush();
      openByTid.clear();
    },
  };
}

/** `{slot=1, flags=KVM_MEM_READONLY, ...}` -> [key, valueText] pairs at the top level. */
function structFields(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of splitArgs(text.slice(1, -1))) {
    const eq = part.indexOf('=');
    if (eq > 0) out.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  return out;
}

function parseRet(text: string, result: ObservedResult): void {
  const m = RET.exec(text);
  if (!m) {
    result.ret = text;
    return;
  }
  if (m[1] !== '?') result.ret = parseInteger(m[1]!) ?? m[1]!;
  if (m[2] !== undefined) result.fdPath = m[2];
  if (m[3] !== undefined) result.errno = m[3];
  if (m[4] !== undefined && m[4].startsWith('KVM_EXIT_')) result.exit = m[4];
}
