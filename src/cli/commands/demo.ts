import { defineCommand } from '../define-command.js';
import { emit } from '../present/output.js';

export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'Import the bundled scenarios into the store and show what each one demonstrates',
  handler: async (args) => {
    const { bundledScenarios } = await import('../../query/scenario-files.js');
    const { importScenario } = await import('../../importers/import.js');
    const { checkExpectations } = await import('../../query/expectations.js');
    const { withStore } = await import('../session.js');
    const { dbPath } = await import('../../store/open.js');
    const { demoText } = await import('../present/check-text.js');
    const report = withStore(args, 'write', (db) =>
      bundledScenarios().map((file) => {
        const { trace, reused } = importScenario(db, file);
        const scenario = trace.meta.scenario as { description: string; source: string | string[] };
        const expectations = (trace.meta.expectations ?? []) as { policy?: string | string[] }[];
        // The policy each expectation names (or 'defaults'), so the text can set the policies side by side.
        const results = checkExpectations(db, trace).map((r) => ({
          ...r,
          chosen: [expectations[r.index]?.policy ?? 'defaults'].flat().join('+'),
        }));
        return {
          file,
          trace: trace.name,
          events: trace.eventCount,
          reused,
          description: scenario.description.trim(),
          source: scenario.source,
          results,
        };
      }),
    );
    const failed = report.flatMap((r) => r.results).filter((r) => !r.passed).length;
    emit(args.json, { db: dbPath(args.db), scenarios: report, failed }, demoText);
    if (failed) process.exitCode = 1;
  },
});
