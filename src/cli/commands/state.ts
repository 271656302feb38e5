import { defineCommand } from '../define-command.js';
import { seqOption, withPolicies, withTrace } from '../options.js';
import { CliError } from '../exit-codes.js';
import { emit } from '../present/output.js';

export const stateCommand = defineCommand({
  command: 'state <trace>',
  describe: 'The machine state after event N under the chosen policies',
  builder: (y) =>
    withPolicies(withTrace(y))
      .option('at', { ...seqOption('at', 'event seq (the state after it)'), demandOption: true })
      .option('path', { type: 'string', describe: 'only this part of the state, e.g. vms[0].memslots' }),
  handler: async (args) => {
    const { stateAt } = await import('../../query/state-at.js');
    const { getPath } = await import('../../query/state-path.js');
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { renderState } = await import('../present/state-text.js');
    const { seqIn } = await import('../../query/position.js');
    withStore(args, modeFor(args.trace), (db) => {
      const trace = openTrace(db, args.trace);
      const policies = policiesFrom(args);
      const at = seqIn(trace, args.at);
      const { state, step } = stateAt(db, trace, at, policies);
      const value = args.path ? getPath(state, args.path) : state;
      if (args.path && value === undefined) {
        throw new CliError(`state path '${args.path}' does not exist at @${at}`);
      }
      emit(
        args.json,
        args.path ? value : { trace: trace.name, at, policies: policies.key, event: step?.event, effects: step?.effects ?? [], state },
        (v) => (args.path ? renderState(v, args.path) : renderState(state, '', step)),
      );
    });
  },
});
