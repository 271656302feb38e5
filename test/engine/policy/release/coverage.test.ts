import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AreaSpec } from '../../../../src/engine/policy/define.js';
import { AREAS } from '../../../../src/engine/policy/registry.js';
import { releaseProblems } from '../../../../src/engine/policy/release/ranges.js';

type Spec = Pick<AreaSpec<unknown>, 'area' | 'variants' | 'releaseGaps'>;
const spec = (
  variants: { variant: string; releases?: AreaSpec<unknown>['variants'][number]['releases'] }[],
  releaseGaps: Spec['releaseGaps'] = [],
): Spec => ({
  area: 'test-area',
  variants: variants.map((v) => ({ summary: '', sources: [], params: undefined, ...v })),
  releaseGaps,
});

test('every built-in area gives each release exactly one variant or an explained gap', () => {
  for (const area of AREAS) assert.deepEqual(releaseProblems(area.spec), [], area.spec.area);
});

test('every released variant of a built-in area names its releases; only never-merged patches name none', () => {
  for (const area of AREAS)
    for (const v of area.spec.variants)
      assert.ok(v.releases !== undefined || /never merged/.test(v.summary), `${area.spec.area}/${v.variant} names no releases`);
});

test('the check finds two variants claiming one release', () => {
  const problems = releaseProblems(
    spec([
      { variant: 'a', releases: { linux: { to: '4.19.147' } } },
      { variant: 'b', releases: { linux: { from: '4.19.147' } } },
    ]),
  );
  assert.deepEqual(problems, ['test-area: a (up to 4.19.147) and b (4.19.147 and later) overlap']);
});

test('the check finds a release no variant and no gap covers, across a major version too', () => {
  const hole = spec([
    { variant: 'a', releases: { linux: { to: '3.18' } } },
    { variant: 'b', releases: { linux: { from: '4.0' } } },
  ]);
  assert.deepEqual(releaseProblems(hole), ['test-area: no variant or explained gap between a (up to 3.18) and b (4.0 and later)']);
  const next = spec([
    { variant: 'a', releases: { linux: { to: '3.19' } } },
    { variant: 'b', releases: { linux: { from: '4.0' } } },
  ]);
  assert.deepEqual(releaseProblems(next), [], '3.19 is followed by 4.0');
  const explained = spec(
    [
      { variant: 'a', releases: { linux: { to: '3.18' } } },
      { variant: 'b', releases: { linux: { from: '4.0' } } },
    ],
    [{ system: 'linux', from: '3.19', to: '3.19', why: 'not read' }],
  );
  assert.deepEqual(releaseProblems(explained), []);
});

test('the check finds a stable series left half covered and a range that does not reach today', () => {
  const stable = spec([
    { variant: 'old', releases: { linux: [{ to: '4.14.198' }, { from: '4.15', to: '4.19' }] } },
    { variant: 'new', releases: { linux: { from: '4.14.200', to: '4.14' } } },
    { variant: 'today', releases: { linux: { from: '4.20' } } },
  ]);
  assert.deepEqual(releaseProblems(stable), [
    'test-area: no variant or explained gap between old (up to 4.14.198) and new (4.14.200-4.14.y)',
  ]);
  const stops = spec([{ variant: 'a', releases: { xen: { to: '4.17' } } }]);
  assert.deepEqual(releaseProblems(stops), ['test-area: nothing covers the releases after 4.17']);
});
