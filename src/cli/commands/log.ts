import { defineCommand } from '../define-command.js';
import { EVENT_KINDS } from '../../model/event.js';
import { CliError, EXIT } from '../exit-codes.js';
import { seqOption, withTrace } from '../options.js';

export const logCommand = defineCommand({
  command: 'log <trace>',
  describe: 'Print events one per line, as strace and ftrace print them (--json: JSON Lines that `import` reads back)',
  builder: (y) =>
    withTrace(y)
      .option('from', seqOption('from', 'first seq to print'))
      .option('to', seqOption('to', 'last seq to print'))
      .option('kind', { choices: EVENT_KINDS, array: true, describe: 'only these kinds' })
      .option('name', { type: 'string', array: true, describe: 'only events with these names (KVM_RUN, sched_switch, ...)' })
      .option('source', { type: 'boolean', describe: 'append the source file:line of each event' }),
  handler: async (args) => {
    const { readEvents } = await import('../../store/event-reader.js');
    const { withStore, modeFor, openTrace } = await import('../session.js');
    const { eventLine } = await import('../present/event-line.js');
    const { seqIn } = await import('../../query/position.js');
    const kinds = args.kind && new Set(args.kind);
    const names = args.name && new Set(args.name);
    withStore(args, modeFor(args.trace), (db) => {
      const trace = openTrace(db, args.trace);
      const from = args.from !== undefined && trace.eventCount > 0 ? seqIn(trace, args.from) : args.from;
      const to = args.to !== undefined && trace.eventCount > 0 ? seqIn(trace, args.to) : args.to;
      if (typeof from === 'number' && typeof to === 'number' && from > to)
        throw new CliError(`--from ${from} is after --to ${to}`, EXIT.usage);
      const out: string[] = [];
      const flush = () => {
        if (out.length) process.stdout.write(out.join('\n') + '\n');
        out.length = 0;
      };
      for (const event of readEvents(db, trace, {
        ...(typeof from === 'number' ? { from } : {}),
        ...(typeof to === 'number' ? { to } : {}),
      })) {
        if (kinds && !kinds.has(event.kind)) continue;
        if (names && !names.has(event.name)) continue;
        out.push(args.json ? JSON.stringify(event) : eventLine(event, { source: args.source ?? false }));
        if (out.length >= 4096) flush();
      }
      flush();
    });
  },
});
