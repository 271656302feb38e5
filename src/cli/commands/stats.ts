import { defineCommand } from '../define-command.js';
import { CliError } from '../exit-codes.js';
import { seqOption, withPolicies, withTraceOrAll } from '../options.js';
import { emit } from '../present/output.js';

export const statsCommand = defineCommand({
  command: 'stats [trace] [other]',
  describe:
    'perf kvm stat for a trace: exits by reason (count, share, time), ioctls, run-state time; with OTHER, the change from TRACE to OTHER',
  builder: (y) =>
    withPolicies(withTraceOrAll(y))
      .positional('other', { type: 'string', describe: 'a second trace: per reason the change in count and time from TRACE (A) to it (B)' })
      .option('vcpu', { type: 'number', describe: 'only this vCPU (its id, in every VM)' })
      .option('by', { choices: ['reason', 'vcpu', 'ioctl'] as const, default: 'reason' as const, describe: 'what the table rows are' })
      .option('csv', { type: 'boolean', describe: 'the table as CSV, times in ns' })
      .option('at', seqOption('at', 'only events 0..N (as `state --at N`)'))
      .option('from', seqOption('from', 'first event of the window'))
      .option('to', seqOption('to', 'last event of the window'))
      .conflicts('at', ['from', 'to'])
      .conflicts('csv', 'json')
      .conflicts('all', ['other', 'at', 'from', 'to', 'vcpu', 'csv']),
  handler: async (args) => {
    if (args.all || args.trace === undefined) return (await import('../all-traces.js')).runForAllTraces('stats', args);
    const trace = args.trace;
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { traceStats } = await import('../../query/stats/trace-stats.js');
    const { compareStats } = await import('../../query/stats/compare.js');
    const text = await import('../present/stats-text.js');
    const { eventProgress } = await import('../present/progress.js');
    const { seqIn } = await import('../../query/position.js');
    withStore(args, modeFor(trace, args.other), (db) => {
      const policies = policiesFrom(args);
      const statsOf = (ref: string) => {
        const trace = openTrace(db, ref);
        const atOrTo = args.at ?? args.to;
        const from = args.from === undefined ? undefined : seqIn(trace, args.from);
        const to = atOrTo === undefined ? undefined : seqIn(trace, atOrTo);
        if (from !== undefined && to !== undefined && from > to) throw new CliError(`--from ${from} comes after --to ${to}`);
        if (from !== undefined && from >= trace.eventCount)
          throw new CliError(`--from ${from} is past the last event of '${trace.name}' (@${trace.eventCount - 1})`);
        const bar = eventProgress(`stats ${trace.name}`);
        try {
          return traceStats(db, trace, policies, {
            ...(from !== undefined ? { from } : {}),
            ...(to !== undefined ? { to } : {}),
            ...(args.vcpu !== undefined ? { vcpu: args.vcpu } : {}),
            onProgress: bar.update,
          });
        } finally {
          bar.done();
        }
      };
      const a = statsOf(trace);
      if (args.other === undefined) {
        if (args.csv) process.stdout.write(text.statsCsv(a, args.by) + '\n');
        else emit(args.json, a, (r) => text.statsText(r, args.by));
        return;
      }
      const comparison = compareStats(a, statsOf(args.other));
      if (args.csv) process.stdout.write(text.comparisonCsv(comparison) + '\n');
      else emit(args.json, comparison, text.comparisonText);
    });
  },
});
