// Start-up cost of the CLI: `hvreplay --version` against `node -e 0`, alternating, median of several.

import { median, runChild } from '../measure.js';
import { row, type BenchRow } from '../report.js';
import { CLI } from '../paths.js';

export async function startupWorkload(runs = 7): Promise<BenchRow[]> {
  const cli: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push((await runChild(process.execPath, ['-e', '0'])).seconds);
    cli.push((await runChild(process.execPath, [CLI, '--version'])).seconds);
  }
  const value = median(cli);
  const baseline = median(bare);
  return [
    row({
      workload: 'hvreplay --version',
      measure: 'seconds',
      value,
      baselineName: 'node -e 0',
      baseline,
      target: '<= 2.5x',
      met: value <= 2.5 * baseline,
      note: `median of ${runs}`,
    }),
  ];
}
