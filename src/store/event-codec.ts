import { EVENT_KINDS, type Args, type EventKind, type TraceEvent } from '../model/event.js';
import type { EncodedEvent } from './encoded-event.js';
import type { StringTable } from './strings.js';

// One event <-> one row of the events table. Column order is the insert statement's.
//
// The args column holds one of four forms (migrations/001_initial.sql; `event_log` turns each back
// into JSON for sqlite3 users). The schema version (PRAGMA user_version) is the codec's version: a
// change to these forms comes with a migration that rewrites old rows.
// - NULL: no args;
// - an INTEGER: args that repeat, interned: strings.text(id) is their JSON object when it starts with
//   '{' (a trace.dat's decoded fields, schema version 5), else the raw payload of { raw } (kvm_emulate_insn
//   lines of a guest spinning in a loop: 8,273 distinct payloads in 2.6M events);
// - TEXT starting with '{': the args as a JSON object;
// - other TEXT: args are exactly { raw: that text }: a payload seen once, without JSON's quoting.
// A raw payload that itself starts with '{' is stored as JSON, so the forms never overlap.

export const EVENT_COLUMNS = [
  'trace_id',
  'seq',
  'kind',
  'name',
  't_ns',
  'pid',
  'tid',
  'comm',
  'cpu',
  'vm',
  'vcpu',
  'args',
  'result',
  'src_file',
  'src_line',
  'label',
] as const;

export type EventRow = [
  number,
  number,
  number,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string | number | bigint | null,
  string | null,
  number | null,
  number | null,
  string | null,
];

const KIND_IDS = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));
const OPEN_BRACE = 0x7b;

function argsOfText(text: string): Args {
  return text.charCodeAt(0) === OPEN_BRACE ? JSON.parse(text) : { raw: text };
}

export function decodeArgs(value: string | number | bigint | null, strings: StringTable): Args {
  if (value === null) return {};
  if (typeof value !== 'string') return strings.argsOf(Number(value), argsOfText);
  return argsOfText(value);
}

// Times are stored as integer nanoseconds after the trace's t0 (traces.t0, seconds), and must read back
// as the very same double. Sources print decimal seconds (ftrace: 6 or 9 digits after the point), so
// while the time in nanoseconds is a safe integer (below 2^53 ns, 104 days of a boot clock) the exact
// form is (t0 in ns + t_ns) / 1e9: one correctly rounded division of two exact integers, which gives
// the double nearest the decimal, as parsing it did. Beyond that (CLOCK_REALTIME seconds) the sum
// t0 + t_ns / 1e9 is used, and the encoder nudges t_ns by a nanosecond when that rounds the other way.

function decodeTs(t0: number, tNs: number): number {
  const t0Ns = Math.round(t0 * 1e9);
  const ns = t0Ns + tNs;
  return Number.isSafeInteger(t0Ns) && Number.isSafeInteger(ns) ? ns / 1e9 : t0 + tNs / 1e9;
}

export function encodeTs(ts: number, t0: number): number {
  const tNs = Math.round((ts - t0) * 1e9);
  if (decodeTs(t0, tNs) === ts) return tNs;
  if (decodeTs(t0, tNs - 1) === ts) return tNs - 1;
  if (decodeTs(t0, tNs + 1) === ts) return tNs + 1;
  return tNs;
}

/**
 * The columns after trace_id (EVENT_COLUMNS[1..]) written into `out` from `at`: the trace writer
 * fills its multi-row INSERT's parameters in place, with no array per row.
 */
export function encodeEventInto(out: unknown[], at: number, seq: number, e: EncodedEvent, t0: number | null, strings: StringTable): void {
  out[at] = seq;
  out[at + 1] = KIND_IDS.get(e.kind)!;
  out[at + 2] = strings.id(e.name, 0);
  out[at + 3] = e.ts === undefined || t0 === null ? null : encodeTs(e.ts, t0);
  out[at + 4] = e.pid ?? null;
  out[at + 5] = e.tid ?? null;
  out[at + 6] = e.comm === undefined ? null : strings.id(e.comm, 1);
  out[at + 7] = e.cpu ?? null;
  out[at + 8] = e.vm ?? null;
  out[at + 9] = e.vcpu ?? null;
  // Args that repeat are interned (an INTEGER naming their text), others are kept inline.
  const args = e.argsText;
  out[at + 10] =
    args === null
      ? null
      : e.argsRepeat === undefined
        ? (strings.idIfRepeated(args) ?? args)
        : e.argsRepeat
          ? strings.repeatedId(args)
          : args;
  out[at + 11] = e.resultText;
  out[at + 12] = e.srcFile === undefined ? null : strings.id(e.srcFile, 2);
  out[at + 13] = e.srcLine ?? null;
  out[at + 14] = e.label ?? null;
}

/**
 * A row as the page reader gets it (src/store/event-reader.ts): one JSON array per event, without
 * trace_id, without vm, vcpu, result and label when all four are NULL (as for nearly every ftrace
 * event), with seq as its place in its block of 64 (event-blocks.ts) and src_line counted from seq
 * (one line an event, in a text trace): short numbers make a page of JSON cheaper to build and to
 * parse, and a block's text the same whichever page it is read in, so its checksum can be checked.
 */
export type PageRow =
  | [
      seqInBlock: number,
      kind: number,
      name: number,
      tNs: number | null,
      pid: number | null,
      tid: number | null,
      comm: number | null,
      cpu: number | null,
      args: string | number | null,
      srcFile: number | null,
      srcLineAfterSeq: number | null,
    ]
  | [
      seqInBlock: number,
      kind: number,
      name: number,
      tNs: number | null,
      pid: number | null,
      tid: number | null,
      comm: number | null,
      cpu: number | null,
      args: string | number | null,
      srcFile: number | null,
      srcLineAfterSeq: number | null,
      vm: number | null,
      vcpu: number | null,
      result: string | null,
      label: string | null,
    ];

/** Events per block: the unit a checksum covers (migrations/004_integrity.sql, event_blocks). */
export const BLOCK_EVENTS = 64;

const PAGE_COMMON = `seq % ${BLOCK_EVENTS}, kind, name, t_ns, pid, tid, comm, cpu, args, src_file, src_line - seq`;
/** The SQL expression for one PageRow of a row of `events`. */
export const PAGE_ROW_SQL = `CASE WHEN vm IS NULL AND vcpu IS NULL AND result IS NULL AND label IS NULL THEN json_array(${PAGE_COMMON}) ELSE json_array(${PAGE_COMMON}, vm, vcpu, result, label) END`;

/**
 * One page of a trace's events: the PageRows joined by commas, or NULL when the range is empty. A
 * newline goes before the first row of each block; JSON reads it as white space (a newline inside a
 * JSON string is always escaped), so `[` + page + `]` parses as it is, and splitting at the newlines
 * gives each block's text for its checksum. Straight off the primary key, which yields rows in seq
 * order (readers check; SQLite does not promise the order of an aggregate), and with group_concat:
 * 25% cheaper than json_group_array over an ordered subquery. Named parameters: trace, from (first
 * seq, the first of a block), last (last seq).
 */
export const PAGE_SQL = `SELECT group_concat(CASE WHEN seq % ${BLOCK_EVENTS} = 0 THEN char(10) ELSE '' END || ${PAGE_ROW_SQL}) FROM events WHERE trace_id = @trace AND seq >= @from AND seq <= @last`;

/** `seq` is the row's own, known from its place in a dense page (the reader checks row[0] against it). */
export function decodePageRow(row: PageRow, seq: number, t0: number | null, strings: StringTable): TraceEvent {
  const tNs = row[3],
    pid = row[4],
    tid = row[5],
    comm = row[6],
    cpu = row[7],
    srcFile = row[9],
    srcLine = row[10] === null ? null : seq + row[10];
  const event: TraceEvent = { seq, kind: EVENT_KINDS[row[1]]!, name: strings.text(row[2]), args: decodeArgs(row[8], strings) };
  if (tNs !== null && t0 !== null) event.ts = decodeTs(t0, tNs);
  if (pid !== null) event.pid = pid;
  if (tid !== null) event.tid = tid;
  if (comm !== null) event.comm = strings.text(comm);
  if (cpu !== null) event.cpu = cpu;
  if (row.length > 11) {
    const [, , , , , , , , , , , vm, vcpu, result, label] = row as Extract<PageRow, { length: 15 }>;
    if (vm !== null) event.vm = vm;
    if (vcpu !== null) event.vcpu = vcpu;
    if (result !== null) event.result = JSON.parse(result);
    if (srcFile !== null && srcLine !== null) event.src = { file: strings.text(srcFile), line: srcLine };
    if (label !== null) event.label = label;
  } else if (srcFile !== null && srcLine !== null) event.src = { file: strings.text(srcFile), line: srcLine };
  return event;
}

export function decodeEvent(row: EventRow, t0: number | null, strings: StringTable): TraceEvent {
  const [, seq, kind, name, tNs, pid, tid, comm, cpu, vm, vcpu, args, result, srcFile, srcLine, label] = row;
  const event: TraceEvent = { seq, kind: EVENT_KINDS[kind]!, name: strings.text(name), args: decodeArgs(args, strings) };
  if (tNs !== null && t0 !== null) event.ts = decodeTs(t0, tNs);
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
