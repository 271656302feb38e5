import type { CommandModule } from 'yargs';
import { type GlobalArgs, type PolicyArgs, withPolicies, withTrace } from '../options.js';
import { CliError, EXIT } from '../exit-codes.js';
import { emit } from '../present/output.js';

interface Args extends GlobalArgs, PolicyArgs {
  trace: string;
  other?: string;
  a?: string[];
  b?: string[];
  all?: boolean;
}

/** The two sides of a policy diff: `--a ... --b ...`, or exactly two `--policy`, one per side. */
function sides(args: Args): [string[], string[]] {
  if (args.a || args.b) {
    if (args.policy?.length) throw new CliError('give the sides either as two --policy or as --a ... --b ..., not both');
    return [args.a ?? [], args.b ?? []];
  }
  if (args.policy?.length !== 2)
    throw new CliError(
      `diff of one trace needs two policies, one per side: --policy A --policy B (got ${args.policy?.length ?? 0}); or name a second trace`,
    );
  return [[args.policy[0]!], [args.policy[1]!]];
}

export const diffCommand: CommandModule<GlobalArgs, Args> = {
  command: 'diff <trace> [other]',
  describe: 'Where two policies part on one trace (--policy A --policy B), or how two recordings differ (TRACE OTHER)',
  builder: (y) =>
    withPolicies(withTrace(y))
      .positional('other', { type: 'string', describe: 'a second trace: compare the two recordings event by event' })
      .option('a', { type: 'string', array: true, describe: 'the policies of side A (any areas; the rest take defaults)' })
      .option('b', { type: 'string', array: true, describe: 'the policies of side B' })
      .option('all', { type: 'boolean', describe: 'list every divergence (or every hunk), not only the first' })
      .epilogue('Exit status as diff(1): 0 no difference, 1 different, 2 trouble.') as never,
  handler: async (args) => {
    const { withStore, modeFor, openTrace } = await import('../session.js');
    const { resolvePolicies, policyKey } = await import('../../engine/policy/registry.js');
    const text = await import('../present/diff-text.js');
    const { readEvents } = await import('../../store/event-reader.js');
    const { initialStateFor } = await import('../../query/initial-state.js');
    const { diffPolicies } = await import('../../query/diff-policies.js');
    const { diffTraces, diffFinalStates } = await import('../../query/diff-traces.js');
    const { Seeker } = await import('../../query/seek.js');
    const { recorderFor } = await import('../../query/snapshots/build.js');
    const streaming = args.all && !args.json;

    const different = withStore(args, modeFor(args.trace, args.other), (db) => {
      const trace = openTrace(db, args.trace);
      if (args.other !== undefined) {
        if (args.a || args.b) throw new CliError('--a/--b compare policies on one trace; with two traces use --policy for both');
        const other = openTrace(db, args.other);
        const policies = resolvePolicies(args.policy ?? []);
        const hunks: unknown[] = [];
        const report = diffTraces(readEvents(db, trace), readEvents(db, other), (h) => {
          if (streaming) process.stdout.write(text.hunkText(h) + '\n\n');
          else if (args.all) hunks.push(h);
        });
        const final = (t: typeof trace) =>
          t.eventCount === 0 ? initialStateFor(t) : new Seeker(db, t, policies).stateAt(t.eventCount - 1);
        const finalState = diffFinalStates(final(trace), final(other));
        const full = {
          trace: trace.name,
          other: other.name,
          policies: policyKey(policies),
          ...report,
          finalState,
          ...(args.all ? { allHunks: hunks } : {}),
        };
        emit(args.json, full, (r) => text.traceDiffText(trace.name, other.name, r));
        return report.hunks > 0 || finalState.length > 0;
      }

      const [idsA, idsB] = sides(args);
      const a = resolvePolicies(idsA);
      const b = resolvePolicies(idsB);
      const initial = initialStateFor(trace);
      // The lockstep is a full replay of each side: build their snapshot sets on the way if missing.
      const recA = recorderFor(db, trace, a, initial);
      const recB = policyKey(a) === policyKey(b) ? undefined : recorderFor(db, trace, b, initial);
      const all: unknown[] = [];
      if (streaming) process.stdout.write(`A = ${policyKey(a)}\nB = ${policyKey(b)}\n\n`);
      const report = diffPolicies(readEvents(db, trace), initial, a, b, {
        onSteps: (sa, sb) => {
          recA?.observe(sa);
          recB?.observe(sb);
        },
        onDivergence: (d) => {
          if (streaming) process.stdout.write(text.divergenceText(d, false) + '\n\n');
          else if (args.all) all.push(d);
        },
      });
      recA?.finish();
      recB?.finish();
      const full = { trace: trace.name, a: policyKey(a), b: policyKey(b), ...report, ...(args.all ? { divergences: all } : {}) };
      emit(args.json, full, (r) =>
        streaming && r.first
          ? text.policyDiffText(trace.name, r.a, r.b, r).split('\n').slice(2).join('\n')
          : text.policyDiffText(trace.name, r.a, r.b, r),
      );
      return report.divergentEvents > 0;
    });
    if (different) process.exitCode = EXIT.negative;
  },
};
