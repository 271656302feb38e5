import { defineCommand } from '../define-command.js';
import { EXIT } from '../exit-codes.js';
import { withPolicies, withTraceOrAll } from '../options.js';
import { emit, table } from '../present/output.js';

export const conformCommand = defineCommand({
  command: 'conform [trace]',
  describe:
    'Replay a real trace and compare each predicted return value and KVM_RUN exit with what the kernel did (exit 1 on any mismatch)',
  builder: (y) => withPolicies(withTraceOrAll(y)),
  handler: async (args) => {
    if (args.all || args.trace === undefined) return (await import('../all-traces.js')).runForAllTraces('conform', args);
    const { conformTrace } = await import('../../query/conform.js');
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { eventBody, sourceRef } = await import('../present/event-line.js');
    const report = withStore(args, modeFor(args.trace), (db) => conformTrace(db, openTrace(db, args.trace!), policiesFrom(args)));
    const mismatches = report.mismatches.map((m) => ({
      seq: m.seq,
      what: m.what,
      predicted: m.predicted,
      observed: m.observed,
      ...(m.predictedAt !== undefined ? { predictedAt: m.predictedAt } : {}),
      line: eventBody(m.event),
      source: sourceRef(m.event),
    }));
    const data = { ...report, mismatchCount: mismatches.length, mismatches };
    emit(args.json, data, (d) => {
      const lines = [
        `conform '${d.trace}' under ${d.policies}: ${d.events} events, ${d.matches} predictions match, ${d.mismatchCount} mismatch${d.mismatchCount === 1 ? '' : 'es'}`,
      ];
      const byCall = Object.entries(d.matchesBy).sort(([, a], [, b]) => b - a);
      if (byCall.length) lines.push('predicted and observed alike:', table(['PREDICTION', 'MATCHES'], byCall).replace(/^/gm, '  '));
      if (d.mismatches.length) lines.push('mismatches (predicted, observed):');
      for (const m of d.mismatches) {
        lines.push(
          `  @${m.seq} ${m.what}: predicted ${m.predicted}, observed ${m.observed}${m.predictedAt !== undefined ? ` (predicted at @${m.predictedAt})` : ''}`,
        );
        lines.push(`      ${m.line}  [${m.source}]`);
      }
      const unpredicted = Object.entries(d.notPredicted).sort(([a], [b]) => a.localeCompare(b));
      if (unpredicted.length)
        lines.push('observed, not predicted by the active policies:', table(['OBSERVATION', 'COUNT'], unpredicted).replace(/^/gm, '  '));
      const unobserved = Object.entries(d.unobserved).sort(([a], [b]) => a.localeCompare(b));
      if (unobserved.length)
        lines.push('predicted, nothing observed to compare:', table(['PREDICTION', 'COUNT'], unobserved).replace(/^/gm, '  '));
      return lines.join('\n');
    });
    if (mismatches.length > 0) process.exitCode = EXIT.negative;
  },
});
