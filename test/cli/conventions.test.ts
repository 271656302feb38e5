import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { complete } from '../../src/cli/debug/complete.js';
import { helpLines } from '../../src/cli/debug/commands.js';
import { initialState } from '../../src/model/state.js';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// The conventions a new user expects of a command-line tool (issue 14): help without arguments, a
// suggestion for a mistyped command, shell completion, `start` and `end` wherever a position is
// taken, and a debugger that warns of stop points that cannot hit.

describe('hvreplay conventions', () => {
  const db = join(tempDir(), 'conv.db');

  it('with no arguments prints the help (exit 0), and suggests a command for a mistyped one (exit 2)', () => {
    const bare = hvreplay(db, [], { noDb: true });
    assert.equal(bare.status, 0, bare.stderr);
    assert.match(bare.stdout, /^hvreplay <command> \[options\]/);
    assert.match(bare.stdout, /hvreplay import <files\.\.>/);
    const typo = hvreplay(db, ['imprt', 'x.strace']);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /unknown command 'imprt'\. Did you mean import\?/);
  });

  it('prints a bash/zsh completion script and answers its queries with commands, options and choices', () => {
    const script = hvreplay(db, ['completion'], { noDb: true });
    assert.equal(script.status, 0);
    assert.match(script.stdout, /hvreplay --get-yargs-completions/);
    const options = hvreplay(db, ['--get-yargs-completions', 'hvreplay', 'import', '--'], { noDb: true }).stdout.split('\n');
    assert.ok(options.includes('--name') && options.includes('--format'), options.join(' '));
    const formats = hvreplay(db, ['--get-yargs-completions', 'hvreplay', 'export', 'pc', '--format', ''], { noDb: true }).stdout;
    assert.deepEqual(formats.trim().split('\n'), ['perfetto', 'chrome-json']);
  });

  it('takes start and end (and @N) wherever it takes an event position', () => {
    assert.equal(hvreplay(db, ['import', 'scenarios/mini-readonly-slot.yaml']).status, 0);
    const end = hvreplay(db, ['state', 'mini-readonly-slot', '--at', 'end', '--json']);
    const last = hvreplay(db, ['state', 'mini-readonly-slot', '--at', '10', '--json']);
    assert.equal(end.status, 0, end.stderr);
    assert.deepEqual(JSON.parse(end.stdout), JSON.parse(last.stdout));
    assert.equal(JSON.parse(hvreplay(db, ['state', 'mini-readonly-slot', '--at', '@3', '--json']).stdout).at, 3);
    assert.equal(hvreplay(db, ['log', 'mini-readonly-slot', '--from', 'end']).stdout.trim().split('\n').length, 1);
    const bad = hvreplay(db, ['state', 'mini-readonly-slot', '--at', 'middle']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--at takes an event seq \(a whole number from 0\), start or end, not 'middle'/);
  });

  it('debugger: warns of a breakpoint or watch that cannot hit, and diff leaves out bookkeeping', () => {
    const run = hvreplay(db, ['debug', 'mini-readonly-slot'], {
      input: 'break ioctl KVM_NOPE\nbreak ioctl KVM_RUN\nwatch vms[0].nosuch\nwatch vms[0].status\ngoto 8\ndiff\n',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^warning: no event of 'mini-readonly-slot' is ioctl KVM_NOPE: the breakpoint cannot hit$/m);
    assert.doesNotMatch(run.stdout, /ioctl KVM_RUN: the breakpoint cannot hit/);
    assert.match(run.stdout, /^warning: vms\[0\]\.nosuch exists neither here nor after the last event \(@10\): the watch cannot hit$/m);
    assert.doesNotMatch(run.stdout, /vms\[0\]\.status exists neither/);
    const diff = run.stdout.slice(run.stdout.indexOf('@8 changed'));
    assert.match(diff, /lastExit/);
    assert.doesNotMatch(diff, /^ {2}(seq|now|.*countedExit|.*schedTraced):/m);
  });

  it('debugger: completes exit reasons in the form begun, and wraps help at word boundaries at any width', () => {
    const state = initialState();
    assert.deepEqual(complete('break exit mm', state)[0], ['mmio']);
    assert.deepEqual(complete('break exit KVM_EXIT_MM', state)[0], ['KVM_EXIT_MMIO']);
    assert.deepEqual(complete('break exit HL', state)[0], ['HLT']);
    for (const width of [40, 72, 120]) {
      const lines = helpLines(width);
      const words = (text: string) => text.split(/\s+/).filter(Boolean);
      for (const line of lines) assert.ok(line.length <= width || words(line).length === 1, `${width}: ${line}`);
      assert.deepEqual(words(lines.join(' ')), words(helpLines(10_000).join(' ')), 'no word is cut');
    }
  });
});
