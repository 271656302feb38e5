import type { EventArgsMap, EventKey } from './events/index.js';

export type { EventArgsMap, EventKey };

// The shared event vocabulary (DESIGN.md, "Vocabulary"). Every importer produces these and every
// reducer consumes them; nothing else crosses the importer -> store -> engine boundary.

export const EVENT_KINDS = [
  'ioctl',
  'syscall',
  'hypercall',
  'fault',
  'context_switch',
  'exit',
  'guest',
  'marker',
  // An event the model does not interpret (an ftrace event outside the vocabulary, a signal line):
  // kept with its fields and raw text so that nothing in a source vanishes.
  'generic',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/** JSON-compatible argument values. Addresses above 2^53 travel as "0x..." strings. */
export type ArgValue = number | string | boolean | null | ArgValue[] | { [key: string]: ArgValue };
export type Args = { [key: string]: ArgValue };

/** What the source saw happen: facts, never predictions. */
export interface ObservedResult {
  /** Return value (a new fd for fd-returning calls). */
  ret?: number | string;
  /** Symbolic errno, e.g. "EINVAL"; "ERESTARTSYS" for `= ?` restarts. */
  errno?: string;
  /** KVM_RUN exit reason as strace --kvm=vcpu or kvm_userspace_exit report it, e.g. "KVM_EXIT_MMIO". */
  exit?: string;
  /** What the returned fd refers to, from strace -y (`4<anon_inode:kvm-vm>`). */
  fdPath?: string;
  /** Seconds spent in the call (strace -T). */
  duration?: number;
}

export interface SourceRef {
  file: string;
  line: number;
}

export interface TraceEvent {
  /** Dense position in the trace, from 0. */
  seq: number;
  kind: EventKind;
  name: string;
  /** Seconds on the trace's clock (CLOCK_REALTIME once sources are aligned). */
  ts?: number;
  pid?: number;
  tid?: number;
  comm?: string;
  cpu?: number;
  vm?: number;
  vcpu?: number;
  args: Args;
  result?: ObservedResult;
  src?: SourceRef;
  /** Scenario label, so expectations can name a position. */
  label?: string;
}

/** Who and where an event happened: what the lookups that find its process, VM and vCPU read. */
export type EventWho = Pick<TraceEvent, 'pid' | 'tid' | 'comm' | 'cpu' | 'vm' | 'vcpu' | 'ts'>;

/** An event before the store has given it its position. */
export type NewEvent = Omit<TraceEvent, 'seq'>;

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

type KindOf<K extends string> = K extends `${infer Kind}:${string}` ? Kind : never;
type NameOf<K extends string> = K extends `${string}:${infer Name}` ? Name : never;

/** An event whose key has a declared schema, with its args typed from that schema. */
export type EventOf<K extends EventKey> = Omit<TraceEvent, 'kind' | 'name' | 'args'> & {
  kind: KindOf<K>;
  name: NameOf<K>;
  args: EventArgsMap[K];
};

/**
 * An args key no schema declares: set on an event whose source printed its argument undecoded (a struct
 * strace showed as its address). The event keeps its kind and name; no reducer is handed it.
 */
export const UNDECODED = 'undecoded';

/** The routing key of an event: `kind:name`. */
export function eventKey(event: Pick<TraceEvent, 'kind' | 'name'>): string {
  return `${event.kind}:${event.name}`;
}
