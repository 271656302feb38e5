import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScenarioError } from '../../src/errors.js';
import { parseScenario } from '../../src/importers/scenario/load.js';

const header = `name: t
description: test
source: seeds/004_2ea3dcaaa5e2dea3.txt
arch: x86_64
`;

function problems(text: string): string[] {
  try {
    parseScenario('scenarios/x.yaml', text);
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    return error.problems;
  }
  assert.fail('expected the scenario to be rejected');
}

describe('scenario validation', () => {
  it('names the file, the line and the path of a wrong argument', () => {
    const text = `${header}events:
  - ioctl: KVM_CREATE_VM
    args: { fd: 3, type: 0 }
  - ioctl: KVM_SET_USER_MEMORY_REGION
    args: { fd: 4, slot: one, guest_phys_addr: 0, memory_size: 4096, userspace_addr: 0x7f0000000000 }
`;
    assert.deepEqual(problems(text), ['scenarios/x.yaml:9: events[1].args.slot: expected an integer']);
  });

  it('reports every problem at once: a missing header field, two kinds on one event, an unknown label', () => {
    const text = `name: t
source: s
arch: x86_64
events:
  - ioctl: KVM_RUN
    syscall: mmap
    args: { fd: 5 }
expect:
  - at: nowhere
`;
    const found = problems(text);
    assert.ok(
      found.some((p) => p.startsWith('scenarios/x.yaml') && p.includes('description')),
      found.join('\n'),
    );
    // The header's problem does not hide the events' and the expectations'.
    assert.ok(
      found.some((p) => /:5: events\[0\]: expected exactly one of/.test(p)),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => /expect\[0\]\.at: no event is labelled 'nowhere'/.test(p)),
      found.join('\n'),
    );
  });

  it('rejects unknown memslot flag names, an unknown arch and a label used twice', () => {
    const found = problems(`${header.replace('x86_64', 'pdp11')}events:
  - ioctl: KVM_SET_USER_MEMORY_REGION
    args: { fd: 4, slot: 0, flags: KVM_MEM_WRITEONLY, guest_phys_addr: 0, memory_size: 4096, userspace_addr: 0 }
`);
    assert.ok(
      found.some((p) => /arch: expected one of/.test(p)),
      found.join('\n'),
    );
    const more = problems(`${header}events:
  - ioctl: KVM_SET_USER_MEMORY_REGION
    args: { fd: 4, slot: 0, flags: KVM_MEM_WRITEONLY, guest_phys_addr: 0, memory_size: 4096, userspace_addr: 0 }
    label: a
  - marker: note
    label: a
expect:
  - at: b
  - at: 7
`);
    assert.ok(
      more.some((p) => /:7: events\[0\]\.args\.flags: unknown memslot flag 'KVM_MEM_WRITEONLY'/.test(p)),
      more.join('\n'),
    );
    assert.ok(
      more.some((p) => /events\[1\]\.label: label 'a' is already used/.test(p)),
      more.join('\n'),
    );
    assert.ok(
      more.some((p) => /expect\[0\]\.at: no event is labelled 'b'/.test(p)),
      more.join('\n'),
    );
    assert.ok(
      more.some((p) => /expect\[1\]\.at: event index 7 is past the last event/.test(p)),
      more.join('\n'),
    );
  });

  it('says where YAML itself is broken', () => {
    const found = problems(`${header}events:\n  - ioctl: [unclosed\n`);
    assert.match(found[0]!, /^scenarios\/x\.yaml:\d+: not valid YAML/);
  });

  it('turns flag names into the canonical number and fills defaults', () => {
    const scenario = parseScenario(
      's.yaml',
      `${header}defaults: { pid: 42 }
events:
  - ioctl: KVM_SET_USER_MEMORY_REGION
    args: { fd: 4, slot: 1, flags: KVM_MEM_LOG_DIRTY_PAGES|KVM_MEM_READONLY, guest_phys_addr: 0x1000, memory_size: 4096, userspace_addr: 0x7f0000001000 }
`,
    );
    const event = scenario.events[0]!;
    assert.equal(event.args.flags, 3);
    assert.equal(event.pid, 42);
    assert.equal(event.tid, 42);
    assert.deepEqual(event.src, { file: 's.yaml', line: 7 });
  });
});
