import { defineCommand } from '../define-command.js';
import { withTraceOrAll } from '../options.js';
import { emit } from '../present/output.js';

// The stored events as Apache Parquet, for DuckDB, Spark or Trino over more traces than one store or
// one machine holds (README "Performance", "Many traces"). Events as stored: no replay, no policies.

export const parquetCommand = defineCommand({
  command: 'parquet [trace]',
  describe:
    'Write the stored events of a trace (or, with --all, of every trace: a file each) as Apache Parquet, for DuckDB, Spark or Trino',
  builder: (y) =>
    withTraceOrAll(y).option('output', {
      alias: 'o',
      type: 'string',
      demandOption: true,
      describe: 'the file to write (FILE.parquet), or with --all the directory to write TRACE.parquet files into',
    }),
  handler: async (args) => {
    const { mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { withStore, modeFor, openTrace } = await import('../session.js');
    const { listTraces } = await import('../../store/traces.js');
    const { readEvents } = await import('../../store/event-reader.js');
    const { writeEventsParquet } = await import('../present/parquet/events-parquet.js');
    const { eventProgress } = await import('../present/progress.js');
    withStore(args, args.all ? 'read' : modeFor(args.trace), (db) => {
      const traces = args.all ? listTraces(db) : [openTrace(db, args.trace!)];
      if (args.all) mkdirSync(args.output, { recursive: true });
      const written = traces.map((trace) => {
        // A file name from the trace's id and name: names may hold characters a file name may not.
        const file = args.all ? join(args.output, `${trace.id}-${trace.name.replace(/[^\w.-]+/g, '_')}.parquet`) : args.output;
        const bar = eventProgress(`parquet ${trace.name}`);
        try {
          const rows = writeEventsParquet(file, trace, readEvents(db, trace), (n) => bar.update(n, trace.eventCount));
          return { trace: trace.name, file, rows };
        } finally {
          bar.done();
        }
      });
      emit(args.json, written, (w) => w.map((x) => `${x.file}: ${x.rows} events of '${x.trace}'`).join('\n'));
    });
  },
});
