import type { ScenarioCheck } from '../../query/check-scenarios.js';
import type { ExpectationResult } from '../../query/expectations.js';

// What `check` and `demo` print: each scenario's expectations, passed or failed, with why they matter.

export function checkText(d: { scenarios: ScenarioCheck[]; passed: number; failed: number }): string {
  return [
    ...d.scenarios.map((s) =>
      [
        `== ${s.trace} (${s.file})`,
        ...s.results.map((r) =>
          [
            `   ${r.passed ? 'ok  ' : 'FAIL'} #${r.index} @${r.seq} (${r.at}) ${r.policies}`,
            ...(r.note ? [`        ${r.note}`] : []),
            ...r.failures.map(
              (f) =>
                `        ${f.what}: expected ${JSON.stringify(f.expected)}\n        ${' '.repeat(f.what.length)}  actual   ${JSON.stringify(f.actual)}`,
            ),
          ].join('\n'),
        ),
      ].join('\n'),
    ),
    '',
    `${d.passed} passed, ${d.failed} failed`,
  ].join('\n');
}

export interface DemoScenario {
  file: string;
  trace: string;
  events: number;
  reused: boolean;
  description: string;
  source: string | string[];
  /** Each result with the policies its expectation names ('defaults' when none), to set them side by side. */
  results: (ExpectationResult & { chosen: string })[];
}

export function demoText(d: { db: string; scenarios: DemoScenario[]; failed: number }): string {
  return [
    ...d.scenarios.map((s) =>
      [
        `== ${s.trace}  (${s.file}, ${s.events} events${s.reused ? ', already imported' : ''})`,
        `   ${s.description.replace(/\n/g, '\n   ')}`,
        `   source: ${[s.source].flat().join('; ')}`,
        ...byPosition(s.results).map(([at, rs]) =>
          [`   @${rs[0]!.seq} ${at}`, ...rs.map((r) => `     ${r.passed ? 'ok  ' : 'FAIL'} ${r.chosen.padEnd(30)} ${r.note ?? ''}`)].join(
            '\n',
          ),
        ),
      ].join('\n'),
    ),
    '',
    `${d.scenarios.length} scenarios imported into ${d.db}; ${d.failed === 0 ? 'every expectation holds' : `${d.failed} expectations FAIL`}.`,
    'Next: hvreplay traces | hvreplay log <trace> | hvreplay state <trace> --at N | hvreplay replay <trace>',
  ].join('\n');
}

/** Expectations grouped by the event they are about, in trace order: where policies part shows as one group. */
function byPosition<R extends { seq: number; at: number | string }>(results: R[]): [string, R[]][] {
  const groups = new Map<string, R[]>();
  for (const r of [...results].sort((a, b) => a.seq - b.seq)) groups.set(String(r.at), [...(groups.get(String(r.at)) ?? []), r]);
  return [...groups];
}
