import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImportStats } from '../../src/importers/stats.js';
import { MAX_LINE_LENGTH } from '../../src/importers/source.js';
import { REPO, tempDir } from '../helpers/temp.js';

// Guarantee: memory stays bounded by what a command needs, not by what its input throws at it. The
// figures themselves are measured by `npm run bench`; these tests hold the bounds that make them:
// an overlong line is never held whole, problems are kept to 200 of 240 characters, and a predicate
// that grows lists is stopped by its budget (test/query/budget.test.ts) long before the heap is gone.

const T = 'test/fixtures/traces';

/** Runs the CLI and returns its exit status and peak resident memory in MB. */
function measured(db: string, args: string[]): { status: number | null; peakMb: number } {
  const hook = `data:text/javascript,process.on('exit',()=>process.stderr.write('MAXRSS '+process.resourceUsage().maxRSS+'\\n'))`;
  const run = spawnSync(process.execPath, ['--import', hook, REPO + 'dist/src/cli/main.js', '--db', db, ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const kb = Number(/MAXRSS (\d+)/.exec(run.stderr)?.[1]);
  return { status: run.status, peakMb: kb / 1024 };
}

describe('Guarantee: memory stays bounded', () => {
  it('a 50 MB line is skipped as it streams past, not held: the import peaks far below the line', () => {
    const dir = tempDir();
    const lines = readFileSync(join(REPO, T, 'mini.strace'), 'utf8').split('\n');
    const file = join(dir, 'long.strace');
    writeFileSync(file, [...lines.slice(0, 5), 'x'.repeat(50 * 2 ** 20), ...lines.slice(5)].join('\n'));
    const { status, peakMb } = measured(join(dir, 's.db'), ['import', file]);
    assert.equal(status, 0);
    // Holding the line once costs 50 MB, splitting it again and again ten times that (main: 530 MB).
    assert.ok(peakMb < 200, `peak ${peakMb.toFixed(0)} MB`);
  });

  it('problems are kept to 200, each with at most 240 characters of its line, however many and long they are', () => {
    const stats = new ImportStats();
    for (let i = 0; i < 10_000; i++) stats.problem('strace.unparsed_line', 'f', i, 'bad', 'y'.repeat(MAX_LINE_LENGTH));
    assert.equal(stats.unreadable, 10_000);
    assert.equal(stats.problems.length, 200);
    assert.ok(stats.problems.every((p) => p.text.length < 300));
  });
});
