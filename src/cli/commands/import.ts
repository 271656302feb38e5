import { defineCommand } from '../define-command.js';
import { emit } from '../present/output.js';

export const importCommand = defineCommand({
  command: 'import <files..>',
  describe: 'Import trace files (strace, ftrace, trace-cmd trace.dat, JSON Lines; .gz or - for stdin) or a scenario as one trace',
  builder: (y) =>
    y
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files of one run (merged into one trace), or one scenario .yaml',
      })
      .option('name', { type: 'string', describe: 'trace name (default: the scenario name, or the file name)' })
      .option('format', { choices: ['scenario', 'strace', 'ftrace', 'jsonl', 'tracedat'] as const, describe: 'skip format detection' })
      .option('replace', { type: 'boolean', describe: 'replace a trace of the same name' })
      .option('strict', { type: 'boolean', describe: 'refuse the import, storing nothing, if any line cannot be read' }),
  handler: async (args) => {
    const { importFiles } = await import('../../importers/import.js');
    const { unreadLines } = await import('../../importers/stats.js');
    const { withStoreAsync } = await import('../session.js');
    const { onSourceProgress } = await import('../../importers/source.js');
    const bar = (await import('../present/progress.js')).progressBar();
    onSourceProgress(bar.update);
    const { readProblems } = await import('../../store/traces.js');
    const { problemSummaryLines } = await import('../present/problems-text.js');
    const [result, problems] = await withStoreAsync(args, 'write', async (db) => {
      const imported = await importFiles(db, {
        files: args.files,
        ...(args.name ? { name: args.name } : {}),
        ...(args.format ? { format: args.format } : {}),
        ...(args.replace ? { replace: true } : {}),
        ...(args.strict ? { strict: true } : {}),
      });
      // --json lists every problem, read back from the store (memory keeps only the first few).
      return [imported, args.json ? [...readProblems(db, imported.trace.id)] : []] as const;
    }).finally(() => {
      onSourceProgress(undefined);
      bar.done();
    });
    const { trace, stats, reused } = result;
    for (const w of result.warnings ?? []) process.stderr.write(`hvreplay: warning: ${w}\n`);
    if (stats.unreadable + stats.keptAsGeneric > 0) {
      const first = stats.problems.find((p) => !p.finding);
      process.stderr.write(
        `hvreplay: warning: ${unreadLines(stats)}` +
          `${first ? ` (first: ${first.file}:${first.line}: ${first.message})` : ''}; --strict refuses such input\n`,
      );
    }
    const clock = result.clockNotes ? { clock: trace.meta.clock, clockNotes: result.clockNotes } : {};
    emit(
      args.json,
      { id: trace.id, name: trace.name, format: trace.format, events: trace.eventCount, reused, ...clock, stats: stats.toJSON(), problems },
      (d) => {
        const lines = [`${reused ? 'unchanged, reusing' : 'imported'} trace '${d.name}' (#${d.id}, ${d.format}): ${d.events} events`];
        if (result.clockNotes) {
          const realtime = (trace.meta.clock as { reference?: string } | undefined)?.reference === 'CLOCK_REALTIME';
          lines.push(
            realtime ? 'clocks: strace -ttt is CLOCK_REALTIME; ftrace times converted to it:' : 'clocks:',
            ...result.clockNotes.map((n) => `  ${n}`),
          );
        }
        for (const [stat, n] of Object.entries(d.stats.counts)) lines.push(`  ${stat}: ${n}`);
        lines.push(...problemSummaryLines(d.stats.problemKinds));
        return lines.join('\n');
      },
    );
  },
});
