// Every statistic an import can count, in one place, as Perfetto's trace_processor keeps them in
// stats.h: its name, its severity and what it means. `info` is bookkeeping; `data_loss` is input that
// is not in the trace (a line that could not be read, or an event kept only as generic); `error` is
// something about the recording worth a look (an event outside its call, observers that disagree).
// ImportStats takes only names listed here, so a statistic cannot be counted without being described.

export type StatSeverity = 'info' | 'data_loss' | 'error';

export interface StatSpec {
  severity: StatSeverity;
  description: string;
  /** The event is in the trace, but only as a generic one with its text or fields: read in part. */
  keptAsGeneric?: true;
}

const info = (description: string): StatSpec => ({ severity: 'info', description });
const loss = (description: string): StatSpec => ({ severity: 'data_loss', description });
const error = (description: string): StatSpec => ({ severity: 'error', description });
const generic = (description: string): StatSpec => ({ severity: 'data_loss', description, keptAsGeneric: true });

export const IMPORT_STATS = {
  'format.strace': info('a file read as strace output'),
  'format.ftrace': info('a file read as ftrace text (tracefs trace, trace_pipe, trace-cmd report)'),
  'format.jsonl': info('a file read as JSON Lines'),
  'format.tracedat': info("a file read as trace-cmd's binary trace.dat"),
  'format.scenario': info('a scenario file'),
  'scenario.events': info('events of a scenario file'),
  'source.line_too_long': loss('a line longer than a trace line may be, skipped as it streamed past'),

  'strace.blank_line': info('an empty line'),
  'strace.tool_message': info("strace's own messages (`strace: Process N attached`)"),
  'strace.resumed_joined': info('an `<unfinished ...>` call joined with its `<... resumed>` line'),
  'strace.unparsed_line': loss('a line that is not a strace call, signal or exit'),
  'strace.unbalanced_arguments': loss("a call whose argument list's brackets or quotes do not balance"),
  'strace.wallclock_time_of_day': info('times printed as a time of day (-t/-tt), with no date'),
  'strace.never_resumed': error(
    'an `<unfinished ...>` call the file never resumes (its task exited or began another call first, or the recording was cut off)',
  ),
  'strace.resumed_without_start': loss('a `<... resumed>` line whose start is not in the file'),
  'strace.unknown_memslot_flag': error('a KVM_SET_USER_MEMORY_REGION flag name this hvreplay does not know'),

  'ftrace.header_line': info('a header or comment line'),
  'ftrace.blank_line': info('an empty line'),
  'ftrace.unparsed_line': loss('a line that is not an ftrace event line'),
  'ftrace.unrecognized_payload': generic('an event whose fields do not have its TP_printk shape; kept as a generic event with its text'),
  'ftrace.timestamp_backwards': error('an event stamped earlier than the one before it in the same file'),

  'tracedat.unparsed_format': error('an event format description in the file that cannot be read; its records are kept as generic events'),
  'tracedat.unknown_event_id': error('a record whose type no event format in the file describes; kept with its bytes'),
  'tracedat.unrecognized_fields': generic(
    'an event whose decoded fields are not in the shape hvreplay maps; kept as a generic event with them',
  ),
  'tracedat.bad_page': loss('a ring-buffer page that cannot be read to its end; the rest of the page is skipped'),
  'tracedat.lost_events': error('events the ring buffer overran before a page (the kernel counted them lost)'),

  'jsonl.blank_line': info('an empty line'),
  'jsonl.bad_json': loss('a line that is not JSON'),
  'jsonl.not_an_event': loss('a JSON value without a known "kind" and a "name"'),
  'jsonl.bad_field': loss('an event field of the wrong type, too deep, or a number beyond 2^53'),

  'vocabulary.bad_args': generic('an event whose args do not meet its schema; kept as a generic event that no reducer reads'),
  'vocabulary.undecoded_args': info('a call whose argument the source printed undecoded (a struct as its address); kept, unmodelled'),

  'merge.kvm_run_paired_with_exit': info("a KVM_RUN call paired with its vCPU thread's kvm_userspace_exit"),
  'merge.exit_paired_past_tolerance': info(
    "a kvm_userspace_exit seen after its KVM_RUN's window (the return strace saw, plus the pairs' spread) but before the thread's next KVM_RUN: paired with the call all the same",
  ),
  'merge.kvm_run_without_exit': error('a KVM_RUN call with no kvm_userspace_exit for it (EINTR return, a call still running at the end)'),
  'merge.exit_without_kvm_run': error('a kvm_userspace_exit with no KVM_RUN call for it in the strace'),
  'merge.kvm_event_inside_kvm_run': info("a vCPU thread's kernel event inside a KVM_RUN call"),
  'merge.kvm_event_moved_into_kvm_run': info('a kernel event placed inside its call although its time lay outside the strace window'),
  'merge.kvm_event_outside_kvm_run': error("a vCPU thread's kernel event outside every KVM_RUN call"),
  'merge.exit_reason_differs': error("an exit whose reason strace read differently from the kernel's (the kernel's counts)"),
  'merge.source_out_of_order': error('an event earlier than one before it in the same file; merged at the later time'),
  'merge.placement_queue_overflow': error('kernel events held for placement beyond the bound; placed by time'),
  'merge.ioctl_args_from_probe': info(
    "an strace ioctl whose struct strace printed as an address, its fields read from record's libc ioctl probe",
  ),
  'merge.ioctl_probe_unmatched': info("a libc ioctl probe event no strace call took (another process's call, or one strace did not see)"),
  'merge.structure_check_not_kept': info('structure findings counted but not kept one by one'),
} as const satisfies Record<string, StatSpec>;

export type StatName = keyof typeof IMPORT_STATS;

export function statSpec(name: string): StatSpec | undefined {
  return (IMPORT_STATS as Record<string, StatSpec>)[name];
}
