import { defineCommand } from '../define-command.js';
import { withPolicies, withTrace } from '../options.js';
import { CliError, EXIT } from '../exit-codes.js';
import { emit } from '../present/output.js';

export const bisectCommand = defineCommand({
  command: 'bisect <trace>',
  describe: 'The first event after which a predicate holds (--when CEL) or a command says bad (--run, as git bisect run)',
  builder: (y) =>
    withPolicies(withTrace(y))
      .option('when', {
        type: 'string',
        describe: 'CEL over state, event, effects, e.g. \'state.vms[0].status == "crashed"\' (README, "Predicates")',
      })
      .option('run', {
        type: 'string',
        describe: 'shell command: state JSON on stdin, HVREPLAY_SEQ in env; exit 0 good, 125 skip, 1-127 bad, else abort',
      })
      .option('timeout', {
        type: 'number',
        describe: 'seconds one --run probe may take; then its process group is ended and the bisect aborts (exit 2)',
      })
      .conflicts('when', 'run')
      .conflicts('when', 'timeout')
      .check((a) => {
        if (!a.when && !a.run) throw new CliError('say what to look for: --when EXPR or --run CMD');
        if (a.timeout !== undefined && !(a.timeout > 0))
          throw new CliError(`--timeout takes a number of seconds above 0, not ${a.timeout}`);
        return true;
      })
      .epilogue('Exit status: 0 found, 1 never holds (or skips left it open), 2 trouble (bad predicate, aborted --run).'),
  handler: async (args) => {
    const { withStoreAsync, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { Seeker } = await import('../../query/seek.js');
    const { bisectTrace, bisectTraceAsync, predicateOracle } = await import('../../query/bisect.js');
    const { compilePredicate } = await import('../../query/predicate.js');
    const { runOracle } = await import('../../query/bisect-run.js');
    const { readEvents } = await import('../../store/event-reader.js');
    const { eventLine, sourceRef } = await import('../present/event-line.js');
    const predicate = args.when !== undefined ? compilePredicate(args.when) : undefined;

    const found = await withStoreAsync(args, modeFor(args.trace), async (db) => {
      const trace = openTrace(db, args.trace);
      if (trace.eventCount === 0) throw new CliError(`trace '${trace.name}' has no events`);
      const policies = policiesFrom(args);
      const seeker = new Seeker(db, trace, policies);
      const result = predicate
        ? bisectTrace(seeker, predicateOracle(seeker, predicate))
        : await bisectTraceAsync(
            seeker,
            runOracle(seeker, args.run!, undefined, args.timeout === undefined ? {} : { timeoutSeconds: args.timeout }),
          );
      const neighbours =
        result.seq === undefined ? [] : [...readEvents(db, trace, { from: Math.max(0, result.seq - 1), to: result.seq + 1 })];
      const data = {
        trace: trace.name,
        policies: policies.key,
        ...(args.when !== undefined ? { when: args.when } : { run: args.run }),
        ...result,
        events: trace.eventCount,
        snapshotsBuilt: seeker.stats.built > 0,
        neighbours,
      };
      emit(args.json, data, (d) => {
        const lines: string[] = [];
        if (d.outcome === 'never')
          lines.push(
            `the predicate does not hold after the last event (@${trace.eventCount - 1}); bisect assumes that once it holds it keeps holding, so a condition true only for a while is not found this way`,
          );
        if (d.outcome === 'ambiguous') lines.push(`skipped probes leave it open: the first bad event is one of @${d.from}..@${d.to}`);
        if (d.outcome === 'found' && d.seq !== undefined) {
          const seq = d.seq;
          const at = neighbours.find((e) => e.seq === d.seq)!;
          lines.push(`first bad event: @${d.seq} [${sourceRef(at)}]${d.seq === 0 ? ' (it holds from the first event)' : ''}`);
          for (const e of neighbours)
            lines.push(
              `${e.seq === d.seq ? '=>' : '  '} ${eventLine(e).trim()}${e.seq === seq - 1 ? '   (good)' : e.seq === d.seq ? '   (bad)' : ''}`,
            );
          if (d.notMonotone)
            lines.push(
              `warning: not monotone: bad at @${d.notMonotone.badAt} but good again at @${d.notMonotone.goodAt}; this is a first bad event, maybe not the only boundary`,
            );
        }
        const shown = d.probes.slice(0, 20).map((p) => `@${p.seq} ${p.verdict}`);
        if (d.probes.length > 20) shown.push(`... ${d.probes.length - 20} more (--json lists them)`);
        lines.push(`probes: ${shown.join(', ')}`);
        const skipped = d.probes.filter((p) => p.verdict === 'skip').length;
        const bound = skipped
          ? `the bound ceil(log2 ${trace.eventCount}) + 2 = ${d.bound} holds without skips; ${skipped} probe${skipped === 1 ? ' was' : 's were'} skipped`
          : `bound ceil(log2 ${trace.eventCount}) + 2 = ${d.bound}`;
        lines.push(`${d.rebuilt} states rebuilt (${bound})${d.snapshotsBuilt ? '; snapshots were built first' : ''}`);
        return lines.join('\n');
      });
      return result.outcome === 'found';
    });
    if (!found) process.exitCode = EXIT.negative;
  },
});
