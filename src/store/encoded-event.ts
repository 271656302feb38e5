import type { Args, EventKind, NewEvent } from '../model/event.js';

// An event as the trace writer takes it: its args and result already in the text a row holds, before
// interning (event-codec.ts says the forms). Made apart from the writing, so that it can be made on
// another thread than the one that writes (src/importers/parse-worker/).

export interface EncodedEvent {
  kind: EventKind;
  name: string;
  ts: number | undefined;
  pid: number | undefined;
  tid: number | undefined;
  comm: string | undefined;
  cpu: number | undefined;
  vm: number | undefined;
  vcpu: number | undefined;
  /** Args exactly { raw } (a payload not starting with '{'): the payload; other args: their JSON; no args: null. */
  argsText: string | null;
  /**
   * Whether these args were seen before, as a parsing thread that tracks it says (then the store interns
   * them: true, or keeps them inline: false); undefined: the store's own table decides.
   */
  argsRepeat?: boolean;
  resultText: string | null;
  srcFile: string | undefined;
  srcLine: number | undefined;
  label: string | undefined;
}

const OPEN_BRACE = 0x7b;

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** The raw text when args are exactly { raw: string }, else undefined. */
function rawOnly(args: Args): string | undefined {
  let raw: string | undefined;
  for (const key in args) {
    if (key !== 'raw' || raw !== undefined) return undefined;
    const v = args[key];
    if (typeof v !== 'string') return undefined;
    raw = v;
  }
  return raw;
}

/**
 * The JSON of args objects that events share (a trace.dat's repeated payloads), made once each. Only
 * objects an importer said it shares are remembered: a WeakMap entry for every event's own args made
 * the collector's work grow with the import (strace: a quarter of its time).
 */
const jsonOf = new WeakMap<Args, string>();
const shared = new WeakSet<Args>();

/** Says that many events will carry this very args object, unchanged: its JSON is made once. */
export function shareArgs(args: Args): Args {
  shared.add(args);
  return args;
}

/** The text the args column holds for these args (before interning), or null for none. */
export function argsText(args: Args): string | null {
  const raw = rawOnly(args);
  if (raw !== undefined && raw.charCodeAt(0) !== OPEN_BRACE) return raw;
  let json = jsonOf.get(args);
  if (json === undefined) {
    if (!hasKeys(args)) return null;
    json = JSON.stringify(args);
    if (shared.has(args)) jsonOf.set(args, json);
  }
  return json;
}

export function encodeEvent(e: NewEvent): EncodedEvent {
  return {
    kind: e.kind,
    name: e.name,
    ts: e.ts,
    pid: e.pid,
    tid: e.tid,
    comm: e.comm,
    cpu: e.cpu,
    vm: e.vm,
    vcpu: e.vcpu,
    argsText: argsText(e.args),
    resultText: e.result ? JSON.stringify(e.result) : null,
    srcFile: e.src?.file,
    srcLine: e.src?.line,
    label: e.label,
  };
}
