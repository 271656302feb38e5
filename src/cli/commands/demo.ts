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
    emit(args.json, { db: dbPath(args.db), scenarios: report, failed }, (d) =>
      [
        ...d.scenarios.map((s) =>
          [
            `== ${s.trace}  (${s.file}, ${s.events} events${s.reused ? ', already imported' : ''})`,
            `   ${s.description.replace(/\n/g, '\n   ')}`,
            `   source: ${[s.source].flat().join('; ')}`,
            ...byPosition(s.results).map(([at, rs]) =>
              [
                `   @${rs[0]!.seq} ${at}`,
                ...rs.map((r) => `     ${r.passed ? 'ok  ' : 'FAIL'} ${r.chosen.padEnd(30)} ${r.note ?? ''}`),
              ].join('\n'),
            ),
          ].join('\n'),
        ),
        '',
        `${d.scenarios.length} scenarios imported into ${d.db}; ${d.failed === 0 ? 'every expectation holds' : `${d.failed} expectations FAIL`}.`,
        'Next: hvreplay traces | hvreplay log <trace> | hvreplay state <trace> --at N | hvreplay replay <trace>',
      ].join('\n'),
    );
    if (failed) process.exitCode = 1;
  },
});

/** Expectations grouped by the event they are about, in trace order: where policies part shows as one group. */
function byPosition<R extends { seq: number; at: number | string }>(results: R[]): [string, R[]][] {
  const groups = new Map<string, R[]>();
  for (const r of [...results].sort((a, b) => a.seq - b.seq)) groups.set(String(r.at), [...(groups.get(String(r.at)) ?? []), r]);
  return [...groups];
}
