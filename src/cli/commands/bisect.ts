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
    const { bisectText } = await import('../present/bisect-text.js');
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
      emit(args.json, data, bisectText);
      return result.outcome === 'found';
    });
    if (!found) process.exitCode = EXIT.negative;
  },
});
