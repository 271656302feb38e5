import { defineCommand } from '../define-command.js';
import { withPolicies, withTrace } from '../options.js';
import { CliError, EXIT } from '../exit-codes.js';
import { emit } from '../present/output.js';

export const diffCommand = defineCommand({
  command: 'diff <trace> [other]',
  describe:
    'Where two policies part on one trace (--policy A --policy B, or two releases: --kernel 3.6 --kernel 6.12), or how two recordings differ (TRACE OTHER)',
  builder: (y) =>
    withPolicies(withTrace(y))
      .positional('other', { type: 'string', describe: 'a second trace: compare the two recordings event by event' })
      .option('a', { type: 'string', array: true, describe: 'the policies of side A (any areas; the rest take defaults)' })
      .option('b', { type: 'string', array: true, describe: 'the policies of side B' })
      .option('all', { type: 'boolean', describe: 'list every divergence (or every hunk), not only the first' })
      .epilogue('Exit status as diff(1): 0 no difference, 1 different, 2 trouble.'),
  handler: async (args) => {
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { policySides } = await import('../policy-args.js');
    const { resolvePolicies } = await import('../../engine/policy/registry.js');
    const text = await import('../present/diff-text.js');
    const { diffStoredTraces, diffTracePolicies } = await import('../../query/diff-stored.js');
    const streaming = args.all && !args.json;

    const different = withStore(args, modeFor(args.trace, args.other), (db) => {
      const trace = openTrace(db, args.trace);
      if (args.other !== undefined) {
        if (args.a || args.b) throw new CliError('--a/--b compare policies on one trace; with two traces use --policy for both');
        const other = openTrace(db, args.other);
        const policies = policiesFrom(args);
        const hunks: unknown[] = [];
        const report = diffStoredTraces(db, trace, other, policies, (h) => {
          if (streaming) process.stdout.write(text.hunkText(h) + '\n\n');
          else if (args.all) hunks.push(h);
        });
        const full = { trace: trace.name, other: other.name, policies: policies.key, ...report, ...(args.all ? { allHunks: hunks } : {}) };
        emit(args.json, full, (r) => text.traceDiffText(trace.name, other.name, r));
        return report.hunks > 0 || report.finalState.length > 0;
      }

      const [idsA, idsB] = policySides(args);
      const a = resolvePolicies(idsA);
      const b = resolvePolicies(idsB);
      const all: unknown[] = [];
      if (streaming) process.stdout.write(`A = ${a.key}\nB = ${b.key}\n\n`);
      const report = diffTracePolicies(db, trace, a, b, {
        onDivergence: (d) => {
          if (streaming) process.stdout.write(text.divergenceText(d, false) + '\n\n');
          else if (args.all) all.push(d);
        },
      });
      const full = { trace: trace.name, a: a.key, b: b.key, ...report, ...(args.all ? { divergences: all } : {}) };
      emit(args.json, full, (r) =>
        streaming && r.first
          ? text.policyDiffText(trace.name, r.a, r.b, r).split('\n').slice(2).join('\n')
          : text.policyDiffText(trace.name, r.a, r.b, r),
      );
      return report.divergentEvents > 0;
    });
    if (different) process.exitCode = EXIT.negative;
  },
});
