import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';

// Guarantee: nothing is deleted without --replace on that very trace. Names and ids are separate
// namespaces (`#1` is an id, `1` a name), and a command given a scenario's path never replaces a trace
// that came from another file.

const T = 'test/fixtures/traces';
const MINI = join(REPO, 'scenarios/mini-readonly-slot.yaml');

function traces(db: string): { id: number; name: string; events: number }[] {
  const run = hvreplay(db, ['traces', '--json']);
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { id: number; name: string; eventCount: number }[]).map((t) => ({
    id: t.id,
    name: t.name,
    events: t.eventCount,
  }));
}

/** The bundled scenario with its `name:` line changed, written next to the store. */
function renamedScenario(dir: string, file: string, name: string): string {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(MINI, 'utf8').replace(/^name: .*$/m, `name: "${name}"`));
  return path;
}

describe('Guarantee: nothing is deleted without --replace on that very trace', () => {
  it('import --name 1 --replace replaces only a trace named "1", never the trace whose id is 1', () => {
    const db = join(tempDir(), 's.db');
    assert.equal(hvreplay(db, ['import', `${T}/mini.strace`, '--name', 'first']).status, 0);
    const run = hvreplay(db, ['import', `${T}/mini.ftrace`, '--name', '1', '--replace']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      traces(db).map((t) => t.name),
      ['first', '1'],
    );
  });

  it('import --name 1 without --replace is refused only when a trace is named "1"', () => {
    const db = join(tempDir(), 's.db');
    assert.equal(hvreplay(db, ['import', `${T}/mini.strace`, '--name', 'first']).status, 0);
    const run = hvreplay(db, ['import', `${T}/mini.ftrace`, '--name', '1']);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /exists already/);
    const again = hvreplay(db, ['import', `${T}/mini.ftrace`, '--name', '1']);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /a trace named '1' exists already \(#2\)/);
    assert.equal(traces(db).length, 2);
  });

  it('a scenario named "1" imported without --replace leaves the scenario trace whose id is 1', () => {
    const dir = tempDir();
    const db = join(dir, 's.db');
    assert.equal(hvreplay(db, ['import', MINI]).status, 0);
    const run = hvreplay(db, ['import', renamedScenario(dir, 'one.yaml', '1')]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      traces(db).map((t) => [t.id, t.name]),
      [
        [1, 'mini-readonly-slot'],
        [2, '1'],
      ],
    );
  });

  it('#ID names an id and a plain number names a name, in every command that takes a trace', () => {
    const db = join(tempDir(), 's.db');
    assert.equal(hvreplay(db, ['import', `${T}/mini.strace`, '--name', 'strace']).status, 0);
    assert.equal(hvreplay(db, ['import', `${T}/mini.ftrace`, '--name', '1']).status, 0);
    const byName = hvreplay(db, ['log', '1', '--json']).stdout.split('\n')[0]!;
    const byId = hvreplay(db, ['log', '#1', '--json']).stdout.split('\n')[0]!;
    assert.match(byName, /"kind"/);
    assert.notEqual(byName, byId);
    const unknown = hvreplay(db, ['state', '2', '--at', '0']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no trace named '2'; the trace whose id is 2 is '#2'/);
    for (const args of [
      ['replay', '#2', '--quiet'],
      ['conform', '#1'],
      ['state', '#2', '--at', '3'],
    ])
      assert.notEqual(hvreplay(db, args).status, 2, args.join(' '));
  });

  it('a read command given a scenario path never replaces a trace that came from another file', () => {
    const dir = tempDir();
    const db = join(dir, 's.db');
    assert.equal(hvreplay(db, ['import', MINI]).status, 0);
    // A modified copy that keeps the bundled scenario's name.
    const copy = join(dir, 'm.yaml');
    writeFileSync(copy, readFileSync(MINI, 'utf8').replace('  The tiny VMM', '  An edited copy of the tiny VMM'));
    const before = traces(db);
    const run = hvreplay(db, ['state', copy, '--at', '6']);
    assert.equal(run.status, 2, run.stdout);
    assert.match(run.stderr, /exists already .* is not where it came from; import .*m\.yaml under another name/);
    assert.deepEqual(traces(db), before);
    const plain = hvreplay(db, ['import', copy]);
    assert.equal(plain.status, 2);
    assert.deepEqual(traces(db), before);
  });

  it('a scenario edited in place replaces its own trace, as before', () => {
    const dir = tempDir();
    const db = join(dir, 's.db');
    const own = join(dir, 'own.yaml');
    writeFileSync(own, readFileSync(MINI, 'utf8'));
    assert.equal(hvreplay(db, ['state', own, '--at', '3']).status, 0);
    writeFileSync(own, readFileSync(MINI, 'utf8').replace('  The tiny VMM', '  Edited: the tiny VMM'));
    const run = hvreplay(db, ['state', own, '--at', '3']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(traces(db).length, 1);
  });
});
