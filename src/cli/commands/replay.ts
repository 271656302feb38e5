import { defineCommand } from '../define-command.js';
import { withPolicies, withTrace } from '../options.js';
import { emit, table } from '../present/output.js';

export const replayCommand = defineCommand({
  command: 'replay <trace>',
  describe: "Replay a trace under the chosen policies: each event's predicted effects, then a summary",
  builder: (y) =>
    withPolicies(withTrace(y))
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'only the summary' })
      .option('all', { type: 'boolean', describe: 'also events whose only effect is that the model cannot predict them' }),
  handler: async (args) => {
    const { replayTrace } = await import('../../query/replay-trace.js');
    const { withStore, modeFor, openTrace, policiesFrom } = await import('../session.js');
    const { eventLine } = await import('../present/event-line.js');
    withStore(args, modeFor(args.trace), (db) => {
      const trace = openTrace(db, args.trace);
      const printSteps = !args.quiet && !args.json;
      const summary = replayTrace(db, trace, policiesFrom(args), (step) => {
        if (!printSteps) return;
        const shown = args.all ? step.effects : step.effects.filter((e) => e.kind !== 'unmodelled');
        if (shown.length === 0) return;
        process.stdout.write(eventLine(step.event).trim() + '\n' + shown.map((e) => `        -> ${JSON.stringify(e)}\n`).join(''));
      });
      emit(args.json, summary, (s) =>
        [
          `${printSteps ? '\n' : ''}replayed ${s.events} events of '${s.trace}' under ${s.policies}`,
          table(['EFFECT', 'COUNT'], Object.entries(s.effectCounts)),
          s.crashes.length ? `crashes: ${s.crashes.map((c) => `vm${c.vm} at @${c.seq}: ${c.reason}`).join('; ')}` : 'no VM crashed',
          `final state hash ${s.stateHash}`,
        ].join('\n'),
      );
    });
  },
});
