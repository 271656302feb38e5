import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getPath } from '../../src/query/state-path.js';
import { debugScript } from '../cli/debug/run.js';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const MINI = 'scenarios/mini-readonly-slot.yaml';

describe('state paths reach only the state', () => {
  it('resolves own data properties and nothing of the prototype chain', () => {
    const state = { vms: [{ id: 0, memslots: [{ slot: 1 }] }], host: { sysctls: {} } };
    assert.equal(getPath(state, 'vms[0].memslots[0].slot'), 1);
    for (const path of ['constructor', '__proto__', 'toString', 'vms.map', 'host.sysctls.hasOwnProperty', 'vms[0].constructor.name'])
      assert.equal(getPath(state, path), undefined, path);
  });

  it('state --path constructor and __proto__ are "no such path", exit 2, not undefined or {}', () => {
    const db = join(tempDir(), 's.db');
    for (const path of ['constructor', '__proto__', 'vms.constructor']) {
      const run = hvreplay(db, ['state', MINI, '--at', '6', '--path', path, '--json']);
      assert.equal(run.status, 2, `${path}: ${run.stdout}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /does not exist/);
    }
  });

  it('the debugger says "no state path" for print and watch of constructor, and the session goes on', () => {
    const db = join(tempDir(), 's.db');
    const run = debugScript(db, MINI, ['print --json constructor', 'watch constructor', 'print __proto__', 'step', 'where']);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stdout, /error: no state path 'constructor'/);
    assert.match(run.stdout, /Watch 1: constructor = \(absent\)/);
    assert.match(run.stdout, /@1 of 0\.\.10/);
  });
});
