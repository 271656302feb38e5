import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines } from './fixtures.js';

// Problems are data: an import stores every one with its trace, not a sample, and says per kind how
// many there were. A copy of the real qemu-pc-64m ftrace with 300 event lines cut in half (in a temp
// file) gives 300 lines that cannot be read, more than any in-memory sample keeps.

describe('import: every problem stored, a summary by kind printed', () => {
  const dir = tempDir('hvreplay-problems-');
  const lines = fixtureLines('qemu-pc-64m.ftrace.gz');
  const cut = new Set<number>();
  for (let i = 100; cut.size < 300; i += 37) if (!lines[i]!.startsWith('#')) cut.add(i);
  const file = join(dir, 'cut.ftrace');
  writeFileSync(file, lines.map((l, i) => (cut.has(i) ? l.slice(0, 20) : l)).join('\n') + '\n');
  const db = join(dir, 't.db');

  it('--json lists all 300 with file:line; the text output has one row per kind', () => {
    const json = hvreplay(db, ['import', file, '--name', 'cut', '--json']);
    assert.equal(json.status, 0, json.stderr);
    const out = JSON.parse(json.stdout) as {
      problems: { stat: string; file: string; line: number }[];
      stats: { problemKinds: { stat: string; count: number }[] };
    };
    assert.equal(out.problems.length, 300);
    assert.deepEqual(
      out.problems.map((p) => p.line),
      [...cut].map((i) => i + 1),
    );
    assert.ok(out.problems.every((p) => p.file === file && p.stat === 'ftrace.unparsed_line'));
    assert.deepEqual(
      out.stats.problemKinds.map((k) => [k.stat, k.count]),
      [['ftrace.unparsed_line', 300]],
    );
    const text = hvreplay(db, ['import', file, '--name', 'cut2']);
    assert.match(text.stdout, /problems: 300, all stored with the trace/);
    assert.match(
      text.stdout,
      new RegExp(
        `ftrace\\.unparsed_line\\s+data_loss\\s+300\\s+${file.replace(/[.]/g, '\\.')}:${[...cut][0]! + 1}: expected an ftrace event line`,
      ),
    );
  });

  it('sqlite3 users find them in the import_problems view; replacing or refusing a trace leaves no stray rows', () => {
    const sql = new Database(db, { readonly: true });
    const rows = sql.prepare("SELECT trace, stat, source FROM import_problems WHERE trace = 'cut' ORDER BY n").all() as {
      source: string;
    }[];
    assert.equal(rows.length, 300);
    assert.equal(rows[0]!.source, `${file}:${[...cut][0]! + 1}`);
    sql.close();
    assert.equal(hvreplay(db, ['import', file, '--name', 'cut', '--replace']).status, 0);
    assert.equal(hvreplay(db, ['import', file, '--name', 'strict', '--strict']).status, 2);
    const after = new Database(db, { readonly: true });
    const per = after.prepare('SELECT trace, count(*) AS n FROM import_problems GROUP BY trace ORDER BY trace').all();
    assert.deepEqual(per, [
      { trace: 'cut', n: 300 },
      { trace: 'cut2', n: 300 },
    ]);
    after.close();
  });
});
