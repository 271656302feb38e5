import { EVENT_KINDS, type EventKind, type NewEvent, type TraceEvent } from '../model/event.js';
import type { StringTable } from './strings.js';

// One event <-> one row of the events table. Column order is the insert statement's.

export const EVENT_COLUMNS = ['trace_id', 'seq', 'kind', 'name', 't_ns', 'pid', 'tid', 'comm', 'cpu', 'vm', 'vcpu', 'args', 'result', 'src_file', 'src_line', 'label'] as const;

export type EventRow = [number, number, number, number, number | null, number | null, number | null, number | null, number | null, number | null, number | null, string | null, string | null, number | null, number | null, string | null];

const KIND_IDS = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

export function encodeEvent(traceId: number, seq: number, e: NewEvent, t0: number | null, strings: StringTable): EventRow {
  return [
    traceId,
    seq,
    KIND_IDS.get(e.kind)!,
    strings.id(e.name),
    e.ts === undefined || t0 === null ? null : Math.round((e.ts - t0) * 1e9),
    e.pid ?? null,
    e.tid ?? null,
    e.comm === undefined ? null : strings.id(e.comm),
    e.cpu ?? null,
    e.vm ?? null,
    e.vcpu ?? null,
    hasKeys(e.args) ? JSON.stringify(e.args) : null,
    e.result && hasKeys(e.result) ? JSON.stringify(e.result) : null,
    e.src ? strings.id(e.src.file) : null,
    e.src?.line ?? null,
    e.label ?? null,
  ];
}

export function decodeEvent(row: EventRow, t0: number | null, strings: StringTable): TraceEvent {
  const [, seq, kind, name, tNs, pid, tid, comm, cpu, vm, vcpu, args, result, srcFile, srcLine, label] = row;
  const event: TraceEvent = { seq, kind: EVENT_KINDS[kind]!, name: strings.text(name), args: args === null ? {} : JSON.parse(args) };
  if (tNs !== null && t0 !== null) event.ts = t0 + tNs / 1e9;
  if (pid !== null) event.pid = pid;
  if (tid !== null) event.tid = tid;
  if (comm !== null) event.comm = strings.text(comm);
  if (cpu !== null) event.cpu = cpu;
  if (vm !== null) event.vm = vm;
  if (vcpu !== null) event.vcpu = vcpu;
  if (result !== null) event.result = JSON.parse(result);
  if (srcFile !== null && srcLine !== null) event.src = { file: strings.text(srcFile), line: srcLine };
  if (label !== null) event.label = label;
  return event;
}
