import type { StatsComparison } from '../../query/stats/compare.js';
import type { DurationSummary } from '../../query/stats/durations.js';
import type { ExitRow, IoctlRow, StatsReport } from '../../query/stats/trace-stats.js';
import { table } from './output.js';

// `hvreplay stats` as people paste it into a patch: perf kvm stat's columns (samples, their share, the
// share of time, min/max/mean, and p50/p99) in microseconds; CSV for spreadsheets, in nanoseconds.

export type StatsGrouping = 'reason' | 'vcpu' | 'ioctl';

const LEVEL_TITLE = {
  userspace: 'exits to userspace (KVM_RUN returned), from the kernel exit to the next KVM_RUN',
  kernel: 'exits handled in the kernel (kvm_exit), from kvm_exit to the next kvm_entry',
} as const;

const us = (ns: number | null | undefined) => (ns === null || ns === undefined ? '-' : (ns / 1000).toFixed(2));
const pct = (f: number | null) => (f === null ? '-' : `${(f * 100).toFixed(2)}%`);
const ratio = (r: number | null) => (r === null ? '-' : `${r.toFixed(3)}x`);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const errorText = (errors: Record<string, number>) =>
  Object.entries(errors)
    .map(([errno, n]) => `${errno} ${n}`)
    .join(', ') || '-';

function timeCells(t: DurationSummary | null): string[] {
  return [us(t?.minNs), us(t?.maxNs), us(t?.meanNs), us(t?.p50Ns), us(t?.p99Ns)];
}

function vcpuLabel(report: { exitsByVcpu: ExitRow[] }, vm: number | null, vcpu: number | null): string {
  const manyVms = new Set(report.exitsByVcpu.map((r) => r.vm)).size > 1;
  return manyVms ? `vm${vm}/${vcpu}` : String(vcpu);
}

function exitTables(report: StatsReport, byVcpu: boolean): string[] {
  const rows = byVcpu ? report.exitsByVcpu : report.exitsByReason;
  const out: string[] = [];
  for (const level of ['userspace', 'kernel'] as const) {
    const mine = rows.filter((r) => r.level === level);
    const total = mine.reduce((n, r) => n + r.count, 0);
    if (total === 0) {
      out.push(`${LEVEL_TITLE[level]}: none${level === 'kernel' ? ' (the trace has no kvm_exit events)' : ''}`);
      continue;
    }
    const untimed = mine.reduce((n, r) => n + r.count - (r.time?.count ?? 0), 0);
    out.push(
      `${LEVEL_TITLE[level]}: ${total}${untimed ? ` (${untimed} still open where the window ends: counted, not timed)` : ''}`,
      table(
        [byVcpu ? 'VCPU' : 'REASON', 'SAMPLES', 'SAMPLES%', 'TIME%', 'MIN us', 'MAX us', 'MEAN us', 'P50 us', 'P99 us'],
        mine.map((r) => [
          byVcpu ? vcpuLabel(report, r.vm, r.vcpu) : r.reason!,
          r.count,
          pct(r.share),
          pct(r.timeShare),
          ...timeCells(r.time),
        ]),
      ),
      '',
    );
  }
  return out;
}

function ioctlTable(rows: IoctlRow[]): string {
  if (rows.length === 0) return 'ioctls: none (the trace has no strace)';
  return [
    'ioctls (time: strace -T)',
    table(
      ['IOCTL', 'CALLS', 'ERRORS', 'MIN us', 'MAX us', 'MEAN us', 'P50 us', 'P99 us'],
      rows.map((r) => [r.name, r.calls, errorText(r.errors), ...timeCells(r.time)]),
    ),
  ].join('\n');
}

function runstateTable(report: StatsReport): string {
  if (report.runstates.length === 0) return 'run states: no vCPU';
  return [
    'run state of each vCPU thread (seconds)',
    table(
      ['VCPU', 'TID', 'RUNNING', 'RUNNABLE', 'BLOCKED', 'OFFLINE'],
      report.runstates.map((r) => [
        vcpuLabel(report, r.vm, r.vcpu),
        r.tid ?? '-',
        ...(['running', 'runnable', 'blocked', 'offline'] as const).map((s) => r.seconds[s].toFixed(6)),
      ]),
    ),
  ].join('\n');
}

export function statsText(report: StatsReport, by: StatsGrouping): string {
  const { from, to, events } = report.window;
  const head = `Analyze events for ${report.vcpu === null ? 'all vCPUs' : `vCPU ${report.vcpu}`} of '${report.trace}', events @${from}..@${to} (${events}), under ${report.policies}`;
  const body = by === 'ioctl' ? [ioctlTable(report.ioctls)] : [...exitTables(report, by === 'vcpu'), ioctlTable(report.ioctls)];
  return [head, '', ...body, '', runstateTable(report), '', `p50/p99: ${report.estimator}`].join('\n');
}

function csvCell(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csv = (rows: (string | number | null)[][]) => rows.map((r) => r.map(csvCell).join(',')).join('\n');
const nsCells = (t: DurationSummary | null) => [
  t?.count ?? 0,
  t?.minNs ?? null,
  t?.maxNs ?? null,
  t?.meanNs ?? null,
  t?.p50Ns ?? null,
  t?.p99Ns ?? null,
  t?.totalNs ?? null,
];
const NS_HEADER = ['timed', 'min_ns', 'max_ns', 'mean_ns', 'p50_ns', 'p99_ns', 'total_ns'];

export function statsCsv(report: StatsReport, by: StatsGrouping): string {
  if (by === 'ioctl')
    return csv([
      ['ioctl', 'calls', 'errors', ...NS_HEADER],
      ...report.ioctls.map((r) => [r.name, r.calls, errorText(r.errors), ...nsCells(r.time)]),
    ]);
  const rows = by === 'vcpu' ? report.exitsByVcpu : report.exitsByReason;
  return csv([
    ['level', by === 'vcpu' ? 'vcpu' : 'reason', 'samples', 'share', 'time_share', ...NS_HEADER],
    ...rows.map((r) => [
      r.level,
      by === 'vcpu' ? vcpuLabel(report, r.vm, r.vcpu) : r.reason,
      r.count,
      r.share,
      r.timeShare,
      ...nsCells(r.time),
    ]),
  ]);
}

export function comparisonText(c: StatsComparison): string {
  const out = [`A = '${c.a}' (${c.policies.a})`, `B = '${c.b}' (${c.policies.b})`, ''];
  for (const level of ['userspace', 'kernel'] as const) {
    const rows = c.exits.filter((r) => r.level === level);
    if (rows.length === 0) continue;
    out.push(
      LEVEL_TITLE[level],
      table(
        ['REASON', 'SAMPLES A', 'SAMPLES B', 'CHANGE', 'RATIO', 'MEAN us A', 'MEAN us B', 'RATIO', 'P99 us A', 'P99 us B', 'TIME RATIO'],
        rows.map((r) => [
          r.reason,
          r.countA,
          r.countB,
          signed(r.change),
          ratio(r.ratio),
          us(r.meanNsA),
          us(r.meanNsB),
          ratio(r.meanRatio),
          us(r.p99NsA),
          us(r.p99NsB),
          ratio(r.totalRatio),
        ]),
      ),
      '',
    );
  }
  if (c.ioctls.length)
    out.push(
      'ioctls',
      table(
        ['IOCTL', 'CALLS A', 'CALLS B', 'CHANGE', 'RATIO', 'ERRORS A', 'ERRORS B'],
        c.ioctls.map((r) => [r.name, r.callsA, r.callsB, signed(r.change), ratio(r.ratio), r.errorsA, r.errorsB]),
      ),
    );
  return out.join('\n').trimEnd();
}

export function comparisonCsv(c: StatsComparison): string {
  return csv([
    [
      'level',
      'reason',
      'samples_a',
      'samples_b',
      'change',
      'ratio',
      'mean_ns_a',
      'mean_ns_b',
      'mean_ratio',
      'p99_ns_a',
      'p99_ns_b',
      'total_ns_a',
      'total_ns_b',
      'total_ratio',
    ],
    ...c.exits.map((r) => [
      r.level,
      r.reason,
      r.countA,
      r.countB,
      r.change,
      r.ratio,
      r.meanNsA,
      r.meanNsB,
      r.meanRatio,
      r.p99NsA,
      r.p99NsB,
      r.totalNsA,
      r.totalNsB,
      r.totalRatio,
    ]),
  ]);
}
