import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ScenarioError } from '../../src/errors.js';
import { parseScenario } from '../../src/importers/scenario/load.js';
import { splitScenario } from '../../src/importers/scenario/split.js';
import { REPO } from '../helpers/temp.js';

// Events read one small document at a time must be what the whole document says: the same events,
// header and expectations, and the same problems at the same lines, on every bundled scenario.

const FILES = readdirSync(REPO + 'scenarios').filter((f) => f.endsWith('.yaml'));
function problems(file: string, text: string, byItem: boolean): string[] {
  try {
    parseScenario(file, text, byItem);
    return [];
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error.problems;
  }
}

describe('scenario events read item by item', () => {
  for (const file of FILES) {
    it(`${file}: the same scenario as the whole document`, () => {
      const text = readFileSync(REPO + 'scenarios/' + file, 'utf8');
      assert.ok(splitScenario(text), 'the bundled scenarios are of the shape the splitter takes');
      assert.deepEqual(parseScenario(file, text), parseScenario(file, text, false));
    });
  }

  it('reports the same problems at the same lines; an item that is bad YAML alone hands the file to the whole reading', () => {
    const mini = readFileSync(REPO + 'scenarios/mini-readonly-slot.yaml', 'utf8');
    const wrong = mini.replace('slot: 0,', 'slot: zero,').replace('    result: { ret: 12 }', '    result: { ret: 12 }\n    colour: red');
    const found = problems('m.yaml', wrong, true);
    assert.equal(found.length, 2);
    assert.deepEqual(found, problems('m.yaml', wrong, false));
    const broken = wrong.replace('  - ioctl: KVM_CREATE_VM', '  - ioctl: KVM_CREATE_VM\n    args: [unclosed');
    assert.match(problems('m.yaml', broken, true).join('\n'), /m\.yaml:\d+: not valid YAML/);
    assert.deepEqual(problems('m.yaml', broken, true), problems('m.yaml', broken, false));
  });

  it('names the lines of problems after the events as the file numbers them (the events are cut out of the head)', () => {
    const mini = readFileSync(REPO + 'scenarios/mini-readonly-slot.yaml', 'utf8');
    const wrong = mini.replace('  - at: readonly-slot', '  - at: no-such-label').replace(/^expect:$/m, 'expect:\n  - at: [1]');
    const found = problems('m.yaml', wrong, true);
    assert.equal(found.length, 2);
    assert.match(found.join('\n'), /m\.yaml:63: expect\[0\]\.at: /);
    assert.match(found.join('\n'), /m\.yaml:64: expect\[1\]\.at: no event is labelled 'no-such-label'/);
    assert.deepEqual(found, problems('m.yaml', wrong, false));
    const broken = wrong.replace(/^expect:$/m, 'expect:\n  - at: [unclosed');
    assert.deepEqual(problems('m.yaml', broken, true), problems('m.yaml', broken, false));
    assert.match(problems('m.yaml', broken, true).join('\n'), /m\.yaml:64: not valid YAML: .* at line 64,/);
  });

  it('gives an item whose dash stands alone on its line the line of its first key, as the whole document does', () => {
    const mini = readFileSync(REPO + 'scenarios/mini-readonly-slot.yaml', 'utf8');
    const dashAlone = mini.replace('  - ioctl: KVM_CREATE_VM', '  -\n    ioctl: KVM_CREATE_VM');
    assert.notEqual(dashAlone, mini);
    assert.deepEqual(parseScenario('m.yaml', dashAlone), parseScenario('m.yaml', dashAlone, false));
  });

  it('leaves files with anchors, aliases or flow-style events to the whole-document reading', () => {
    const text = readFileSync(REPO + 'scenarios/mini-readonly-slot.yaml', 'utf8');
    assert.equal(splitScenario(text.replace('args: { fd: 3, fdPath: /dev/kvm }', 'args: &a { fd: 3, fdPath: /dev/kvm }')), undefined);
    assert.equal(splitScenario(text.replace(/^events:\n/m, 'events: [\n')), undefined);
  });
});
