import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hvreplay } from '../../helpers/cli.js';
import { REPO, tempDir } from '../../helpers/temp.js';

// The interactive path through a real terminal: tmux runs the debugger in a pseudo-terminal, we type
// into it with send-keys and read the screen with capture-pane. A private tmux socket keeps other
// tmux servers out of it.

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `hvreplay-debug-test-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'debug');
}

async function waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (pattern.test(text)) return text;
    if (Date.now() > until) throw new Error(`screen never showed ${pattern}:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function type(text: string, ...keys: string[]): void {
  if (text) tmux('send-keys', '-t', 'debug', '-l', text);
  if (keys.length) tmux('send-keys', '-t', 'debug', ...keys);
}

describe('hvreplay debug in a terminal', { skip: hasTmux ? false : 'tmux is not installed (apt-get install tmux)' }, () => {
  const dir = tempDir();
  const db = join(dir, 'tty.db');
  after(() => spawnSync('tmux', ['-L', socket, 'kill-server']));

  it('shows the position in the prompt, completes commands and paths, keeps history, and survives Ctrl-C in a long continue', async () => {
    assert.equal(hvreplay(db, ['import', 'test/fixtures/traces/qemu-pc-64m.ftrace.gz', '--name', 'pc']).status, 0);
    const command = `cd ${REPO} && HVREPLAY_HISTORY=${join(dir, 'history')} node dist/src/cli/main.js --db ${db} debug pc; echo "EXITED $?"; sleep 30`;
    tmux('new-session', '-d', '-s', 'debug', '-x', '220', '-y', '50', command);

    await waitFor(/\(hvreplay @0\/29781\) $/m);
    type('goto 5', 'Enter');
    await waitFor(/\(hvreplay @5\/29781\) $/m);

    // Completion of a command, then of a state path read from the state at the position.
    type('goto end', 'Enter');
    await waitFor(/\(hvreplay @29781\/29781\) $/m);
    type('info vc', 'Tab');
    await waitFor(/\(hvreplay @29781\/29781\) info vcpus$/m);
    type('', 'Enter');
    await waitFor(/VM\s+VCPU\s+TID\s+RUNSTATE/);
    type('print vms[0].vc', 'Tab');
    await waitFor(/\) print vms\[0\]\.vcpus$/m);
    type('[0].lastEx', 'Tab');
    await waitFor(/\) print vms\[0\]\.vcpus\[0\]\.lastExit$/m);
    type('', 'Enter');
    await waitFor(/^vms\[0\]\.vcpus\[0\]\.lastExit = KVM_EXIT_IO$/m);

    // History: the up arrow brings back the last command.
    type('', 'Up');
    await waitFor(/\(hvreplay @29781\/29781\) print vms\[0\]\.vcpus\[0\]\.lastExit\s*$/);
    type('', 'C-u');

    // A continue made slow on purpose (a predicate costing ~900 comparisons an event, never true);
    // Ctrl-C stops it where it got to and the session goes on.
    const list = '[' + Array.from({ length: 30 }, (_, i) => `${i}.0`).join(',') + ']';
    type(`goto start`, 'Enter');
    await waitFor(/\(hvreplay @0\/29781\) $/m);
    type(`break ${list}.exists(x, ${list}.exists(y, x + y == event.seq + 100000000.0))`, 'Enter');
    await waitFor(/^Breakpoint 1: /m);
    type('continue', 'Enter');
    await new Promise((r) => setTimeout(r, 800));
    type('', 'C-c');
    const stopped = await waitFor(/^Interrupted at @(\d+)\.$/m);
    const at = Number(/^Interrupted at @(\d+)\.$/m.exec(stopped)![1]);
    assert.ok(at > 0 && at < 29781, `stopped at @${at}`);
    await waitFor(new RegExp(`\\(hvreplay @${at}/29781\\) $`, 'm'));
    type('where', 'Enter');
    await waitFor(new RegExp(`^@${at} of 0\\.\\.29781$`, 'm'));

    // A predicate that would run for ages (a backtracking regular expression) is stopped by its budget.
    type('delete', 'Enter');
    type(`break "${'a'.repeat(40)}!".matches("^(a+)+$")`, 'Enter');
    await waitFor(/^Breakpoint 2: /m);
    type('continue', 'Enter');
    await waitFor(/^error: predicate .* ran past its budget of 1 s/m);
    await waitFor(new RegExp(`\\(hvreplay @${at}/29781\\) $`, 'm'));

    // Exit reasons complete in the form begun: mm -> mmio.
    type('delete', 'Enter');
    type('break exit mm', 'Tab');
    await waitFor(/\) break exit mmio$/m);
    type('', 'C-u');

    // Ctrl-D at the prompt leaves, ending the prompt's line so the shell's output starts on its own.
    type('', 'C-d');
    const end = await waitFor(/^EXITED 0$/m);
    assert.doesNotMatch(end, /\) EXITED 0/);
  });
});
