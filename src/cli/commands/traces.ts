import { defineCommand } from '../define-command.js';
import { emit, table } from '../present/output.js';

export const tracesCommand = defineCommand({
  command: 'traces',
  describe: 'List the traces in the store',
  handler: async (args) => {
    const { listTraces } = await import('../../store/traces.js');
    const { withStore } = await import('../session.js');
    const { shownName } = await import('../../store/trace-names.js');
    const traces = withStore(args, 'read', listTraces);
    emit(args.json, traces, (ts) =>
      ts.length === 0
        ? 'no traces yet: try `hvreplay import FILE` or `hvreplay demo`'
        : table(
            ['ID', 'NAME', 'FORMAT', 'EVENTS', 'IMPORTED', 'SOURCES'],
            ts.map((t) => [
              `#${t.id}`,
              shownName(t.name, 60),
              t.format,
              t.eventCount,
              t.importedAt.replace(/\.\d+Z$/, 'Z'),
              t.sources.map((s) => s.path).join(' '),
            ]),
          ),
    );
  },
});
