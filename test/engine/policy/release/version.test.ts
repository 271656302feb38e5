import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRange, inRange, rangesOverlap, versionKey } from '../../../../src/engine/policy/release/version.js';

test('a stable release is in the range of its series, up to the stable release a range names', () => {
  const mips412 = [
    { from: '4.12', to: '4.14.198' },
    { from: '4.15', to: '4.19.146' },
  ];
  assert.equal(inRange(versionKey('4.19.200'), mips412[1]!), false);
  assert.equal(inRange(versionKey('4.19.146'), mips412[1]!), true);
  assert.equal(inRange(versionKey('4.19'), mips412[1]!), true, '4.19 is 4.19.0');
  assert.equal(inRange(versionKey('4.14.199'), mips412[0]!), false);
  assert.equal(inRange(versionKey('4.13.7'), mips412[0]!), true);
  assert.equal(inRange(versionKey('5.8.11'), { from: '5.8.11', to: '5.8' }), true);
  assert.equal(inRange(versionKey('5.8.200'), { from: '5.8.11', to: '5.8' }), true, "`to: '5.8'` is every 5.8.y");
  assert.equal(inRange(versionKey('5.9'), { from: '5.8.11', to: '5.8' }), false);
});

test('numbers compare as numbers, not text: 3.10 is after 3.9, 4.19.200 after 4.19.99', () => {
  assert.equal(inRange(versionKey('3.10'), { to: '3.9' }), false);
  assert.equal(inRange(versionKey('3.10'), { from: '3.9', to: '3.19' }), true);
  assert.equal(inRange(versionKey('4.19.200'), { from: '4.19.147', to: '4.19' }), true);
  assert.equal(inRange(versionKey('4.19.99'), { from: '4.19.147', to: '4.19' }), false);
});

test('open ends: no from is every earlier release, no to is every later one', () => {
  assert.equal(inRange(versionKey('2.6.32.27'), { to: '3.5' }), true);
  assert.equal(inRange(versionKey('7.1.5'), { from: '6.12' }), true);
});

test('ranges overlap when they share one release, not when one ends where the next stable release starts', () => {
  assert.equal(rangesOverlap({ from: '4.12', to: '4.14.198' }, { from: '4.14.199', to: '4.14' }), false);
  assert.equal(rangesOverlap({ from: '4.12', to: '4.14' }, { from: '4.14.199', to: '4.14' }), true);
  assert.equal(rangesOverlap({ from: '6.12' }, { from: '6.11.11', to: '6.11' }), false);
  assert.equal(formatRange({ from: '3.6', to: '3.6' }), '3.6');
  assert.equal(formatRange({ from: '6.12' }), '6.12 and later');
  assert.equal(formatRange({ to: '3.5' }), 'up to 3.5');
  assert.equal(formatRange({ from: '4.19.147', to: '4.19' }), '4.19.147-4.19.y');
});

test('a release must be a number: -rc and distribution suffixes are refused with the way to write it', () => {
  for (const bad of ['5.9-rc6', '6.1.0-18-amd64', 'v6.12', '6', 'latest'])
    assert.throws(() => versionKey(bad), /is not a release number: give X\.Y or X\.Y\.Z/, bad);
});
