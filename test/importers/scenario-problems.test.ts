import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ScenarioError } from '../../src/errors.js';
import { parseScenario } from '../../src/importers/scenario/load.js';
import { REPO } from '../helpers/temp.js';

// Scenario files an adversary (or a hurried author) writes: each is the bundled mini scenario with a
// few lines changed in memory. Every problem is reported at once, each at its own line, with exit 2.

const FILE = 'scenarios/mini-readonly-slot.yaml';
const MINI = readFileSync(REPO + FILE, 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

function problems(text: string): string[] {
  try {
    parseScenario(FILE, text);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error.problems;
  }
  return [];
}

describe('scenario problems', () => {
  it('an alias bomb ("billion laughs") is refused as an invalid scenario, not an internal error', () => {
    const layers = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      const prev = String.fromCharCode(97 + i);
      layers.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = MINI.replace('arch: x86_64\n', `arch: x86_64\n${layers.join('\n')}\n`).replace(
      'args: { fd: 3, fdPath: /dev/kvm }',
      'args: { fd: 3, fdPath: /dev/kvm, v: *g }',
    );
    const found = problems(bomb);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^scenarios\/mini-readonly-slot\.yaml:\d+: aliases expand to more than 100 times/);
  });

  it("an unknown key in an event does not hide that event's argument errors", () => {
    const text = MINI.replace(
      '    args: { fd: 4, fdPath: "anon_inode:kvm-vm", slot: 0,',
      '    colour: red\n    args: { fd: 4, fdPath: "anon_inode:kvm-vm", slot: zero,',
    );
    const found = problems(text);
    assert.ok(
      found.some((p) => /:\d+: events\[4\]\.colour: unknown key/.test(p)),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => /events\[4\]\.args\.slot: expected an integer/.test(p)),
      found.join('\n'),
    );
    assert.match(
      found.find((p) => p.includes('colour'))!,
      new RegExp(`:${lineOf(text, 'colour: red')}: `),
    );
  });

  it('a top-level unknown key is reported at its own line', () => {
    const text = MINI.replace('defaults: {', 'colour: red\ndefaults: {');
    const found = problems(text);
    assert.deepEqual(found, [`${FILE}:${lineOf(text, 'colour: red')}: colour: unknown key`]);
  });

  it('merge keys (<<: *anchor) are applied', () => {
    const text = MINI.replace('args: { fd: 3, fdPath: /dev/kvm }', 'args: &kvm { fd: 3, fdPath: /dev/kvm }').replace(
      'args: { fd: 3, fdPath: /dev/kvm, cap: KVM_CAP_READONLY_MEM }',
      'args: { <<: *kvm, cap: KVM_CAP_READONLY_MEM }',
    );
    const merged = parseScenario(FILE, text);
    const plain = parseScenario(FILE, MINI);
    assert.deepEqual(merged.events[1]!.args, plain.events[1]!.args);
  });
});
