import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../options.js';
import { emit } from '../present/output.js';

export const demoCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'demo',
  describe: 'Import the bundled scenarios into the store and show what each one demonstrates',
  handler: async (args) => {
    const { bundledScenarios } = await import('../../query/scenario-files.js');
    const { importScenario } = await import('../../importers/import.js');
    const { checkExpectations } = await import('../../query/expectations.js');
    const { withStore } = await import('../session.js');
    const { dbPath } = await import('../../store/open.js');
    const report = withStore(args, (db) =>
      bundledScenarios().map((file) => {
        const { trace, reused } = importScenario(db, file);
        const scenario = trace.meta.scenario as { description: string; source: string | string[] };
        return { file, trace: trace.name, events: trace.eventCount, reused, description: scenario.description.trim(), source: scenario.source, results: checkExpectations(db, trace) };
      }),
    );
    const failed = report.flatMap((r) => r.results).filter((r) => !r.passed).length;
    emit(args.json, { db: dbPath(args.db), scenarios: report, failed }, (d) =>
      [
        ...d.scenarios.map((s) =>
          [
            `== ${s.trace}  (${s.file}, ${s.events} events${s.reused ? ', already imported' : ''})`,
            `   ${s.description.replace(/\n/g, '\n   ')}`,
            `   source: ${[s.source].flat().join('; ')}`,
            ...s.results.map((r) => `   ${r.passed ? 'ok  ' : 'FAIL'} @${r.seq} (${r.at}) under ${r.policies}${r.note ? `\n        ${r.note}` : ''}`),
          ].join('\n'),
        ),
        '',
        `${d.scenarios.length} scenarios imported into ${d.db}; ${d.failed === 0 ? 'every expectation holds' : `${d.failed} expectations FAIL`}.`,
        'Next: hvreplay traces | hvreplay log <trace> | hvreplay state <trace> --at N | hvreplay replay <trace>',
      ].join('\n'),
    );
    if (failed) process.exitCode = 1;
  },
};
