import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat } from '../../src/importers/detect.js';
import { fixtureLines } from './fixtures.js';

const head = (name: string) => fixtureLines(name).slice(0, 20);

describe('detectFormat', () => {
  it('recognises every strace fixture', () => {
    for (const f of [
      'mini.strace',
      'qemu-pc-64m.strace.gz',
      'vmm-t.strace',
      'vmm-tt.strace',
      'vmm-nofollow.strace',
      'vmm-stderr.strace',
      'vmm-kill.strace',
    ]) {
      assert.equal(detectFormat(head(f)), 'strace', f);
    }
  });

  it('recognises every ftrace fixture: # tracer header, cpus=N, or the TASK-PID [CPU] shape', () => {
    for (const f of [
      'mini.ftrace',
      'qemu-pc-64m.ftrace.gz',
      'vmm-noirqinfo.ftrace',
      'vmm-pipe.ftrace',
      'vmm-report-empty.txt',
      'borrowed-old-4char-flags.ftrace',
      'borrowed-report-svm-gp.txt',
    ]) {
      assert.equal(detectFormat(head(f)), 'ftrace', f);
    }
  });

  it('says jsonl for a line starting with { and leaves anything else undefined', () => {
    assert.equal(detectFormat(['{"kind":"ioctl"}']), 'jsonl');
    assert.equal(detectFormat(['name: readonly memslot', 'steps:']), undefined);
    assert.equal(detectFormat([]), undefined);
  });
});
