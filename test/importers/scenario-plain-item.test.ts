import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { readPlainItem } from '../../src/importers/scenario/plain-item.js';
import { splitScenario } from '../../src/importers/scenario/split.js';
import { REPO } from '../helpers/temp.js';

// The plain-item shortcut is only ever a shortcut: wherever it answers, the yaml library (read as
// load.ts reads a scenario) gives the same value, and where YAML means anything it does not know, it
// leaves the item to the yaml library.

/** The item as the yaml library reads it, or 'error' where it is not valid YAML. */
function byYaml(text: string): unknown {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) return 'error';
  return (doc.toJS() as unknown[] | null)?.[0];
}

const ITEMS = readdirSync(REPO + 'scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => splitScenario(readFileSync(REPO + 'scenarios/' + f, 'utf8'))?.items.map((item) => ({ file: f, ...item })) ?? []);

// Tokens chosen where YAML's core schema is subtle: spellings of null and booleans, number forms the
// shortcut takes and those it leaves, quoted strings with escapes, and indicators.
const TOKENS = [
  ...['null', 'Null', 'NULL', '~', 'true', 'True', 'TRUE', 'false', 'FALSE', 'yes', 'no', 'on', 'off'],
  ...['0', '-0', '007', '+5', '12', '-12', '9007199254740991', '9007199254740993', '1_000', '1e3', '.5', '1.50', '-0.25', '.inf', '.nan'],
  ...['0x0', '0x7f2c8be00000', '0xFFFF', '0X10', '0x1fffffffffffff1', '0o17', '0b11'],
  ...[
    'KVM_RUN',
    '/dev/kvm',
    'a.b-c_d',
    'PROT_READ|PROT_WRITE',
    '|x',
    'a+b',
    'x=1',
    '+x',
    '=x',
    'qemu-system-x86',
    '2026-11-30',
    '12:30',
    'a:b',
    'a#b',
    'x y',
  ],
  ...['"plain"', '"a\\nb"', '"a\\"b"', "'it''s'", "'one'", '""', "''", '"#"', '&a x', '*a', '!!str 5', '|', '>-', '@x', '`x'],
  ...[
    '{}',
    '[]',
    '{ a: 1 }',
    '[1, 2]',
    '{a: 1}',
    '{ a: 1, a: 2 }',
    '{ __proto__: 1 }',
    '[ KVM_RUN, 0x10 ]',
    '{ a: [1, { b: c }] }',
    '{ a b: 1 }',
  ],
];

const keyArb = fc.constantFrom('ioctl', 'args', 'result', 'label', 'ts', 'pid', 'comm', 'a', '__proto__', '<<', 'x y', 'ioctl');
const valueArb = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.array(fc.constantFrom(...TOKENS.filter((t) => !/^[{[]/.test(t))), { maxLength: 3 }).map((vs) => `[${vs.join(', ')}]`),
  fc
    .array(fc.tuple(fc.constantFrom('fd', 'slot', 'flags', 'x'), fc.constantFrom(...TOKENS)), { maxLength: 3 })
    .map((kvs) => `{ ${kvs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
);
const lineArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(keyArb, valueArb, fc.constantFrom('', ' # note', '#x', '  ')).map(([k, v, tail]) => `${k}: ${v}${tail}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '# a comment', '  # deeper comment', '  nested: 1', '\tkey: 1', 'key:', '- x') },
);
const itemArb = fc
  .tuple(lineArb, fc.array(lineArb, { maxLength: 4 }), fc.constantFrom('  ', '', '    '))
  .map(([first, rest, indent]) => [`${indent}- ${first}`, ...rest.map((l) => (l === '' ? '' : `${indent}  ${l}`))].join('\n'));

describe('plain scenario items, read without the yaml library', () => {
  it('every bundled event item it reads is what the yaml library reads, and it reads nearly all of them', () => {
    let read = 0;
    for (const item of ITEMS) {
      const plain = readPlainItem(item.text);
      if (plain === undefined) continue;
      read++;
      assert.deepEqual(plain, byYaml(item.text), `${item.file}:${item.line}`);
    }
    assert.ok(read >= ITEMS.length * 0.9, `${read} of ${ITEMS.length} bundled items read by the shortcut`);
  });

  it('on random items of subtle tokens: the same value as the yaml library, or it leaves the item alone', () => {
    let read = 0;
    fc.assert(
      fc.property(itemArb, (text) => {
        const plain = readPlainItem(text);
        if (plain === undefined) return;
        read++;
        assert.deepEqual(plain, byYaml(text), text);
      }),
      { numRuns: 5000 },
    );
    assert.ok(read > 100, `the property held on only ${read} items the shortcut read`);
  });

  it('leaves alone what it does not decide: escapes, other number forms, nested blocks, anchors, tags', () => {
    for (const text of [
      '  - ioctl: "a\\tb"',
      '  - pid: 0o17',
      '  - pid: 007',
      '  - ts: 1e3',
      '  - pid: 9007199254740993',
      '  - ioctl: KVM_RUN\n    args:\n      fd: 3',
      '  - ioctl: &run KVM_RUN',
      '  - ioctl: !!str KVM_RUN',
      '  - ioctl: KVM_RUN\n    ioctl: KVM_RUN',
      '  - args: { __proto__: 1 }',
      '  - comm: qemu system',
      '  - ioctl: True',
    ])
      assert.equal(readPlainItem(text), undefined, text);
  });
});
