import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// --kernel and --xen as a user types them: one variant per area for a release, two releases diffed in
// every area at once, and a --policy that contradicts the release refused.

const ROM = 'scenarios/kvm-readonly-bios-rom.yaml';
const AREAS = [
  'kvm-memslot',
  'kvm-readonly',
  'kvm-x86-caps',
  'kvm-x86-iobus',
  'kvm-x86-msr-exit',
  'kvm-x86-setup',
  'mips-vmtype',
  's390-pgste',
  'xen-runstate',
];
/** The x86 areas whose reading starts later than these releases take their default (an explained gap). */
const X86 = (msr: 'before-5.10' | 'linux-5.10') => ({
  'kvm-x86-caps': 'kvm-x86-caps/linux-6.1',
  'kvm-x86-iobus': 'kvm-x86-iobus/linux',
  'kvm-x86-msr-exit': `kvm-x86-msr-exit/${msr}`,
  'kvm-x86-setup': 'kvm-x86-setup/linux',
});

interface Choice {
  area: string;
  id: string;
  decidedBy: string | null;
  note: string;
}

describe('releases on the command line', () => {
  const dir = tempDir();
  const db = join(dir, 'rel.db');
  const choices = (...args: string[]): Choice[] => {
    const run = hvreplay(db, ['policies', ...args, '--json']);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as Choice[];
  };
  const ids = (list: Choice[]) => Object.fromEntries(list.map((c) => [c.area, c.id]));

  it('policies --kernel 3.6, 4.19.200 and 6.12 print one variant per area', () => {
    for (const release of ['3.6', '4.19.200', '6.12']) {
      const list = choices('--kernel', release);
      assert.deepEqual(
        list.map((c) => c.area),
        AREAS,
        release,
      );
    }
    assert.deepEqual(ids(choices('--kernel', '3.6')), {
      'kvm-memslot': 'kvm-memslot/linux-3.6',
      'kvm-readonly': 'kvm-readonly/prot-read',
      ...X86('before-5.10'),
      'mips-vmtype': 'mips-vmtype/linux-5.13',
      's390-pgste': 's390-pgste/dup-mm',
      'xen-runstate': 'xen-runstate/phys-area',
    });
    assert.deepEqual(ids(choices('--kernel', '4.19.200')), {
      'kvm-memslot': 'kvm-memslot/linux-4.2',
      'kvm-readonly': 'kvm-readonly/memslot-flag-3.18',
      ...X86('before-5.10'),
      'mips-vmtype': 'mips-vmtype/linux-5.9-backport',
      's390-pgste': 's390-pgste/elf-marker',
      'xen-runstate': 'xen-runstate/phys-area',
    });
    assert.deepEqual(ids(choices('--kernel', '6.12')), {
      'kvm-memslot': 'kvm-memslot/linux-6.12',
      'kvm-readonly': 'kvm-readonly/memslot-flag',
      ...X86('linux-5.10'),
      'mips-vmtype': 'mips-vmtype/linux-5.13',
      's390-pgste': 's390-pgste/elf-marker',
      'xen-runstate': 'xen-runstate/phys-area',
    });
  });

  it('an area the release does not decide takes its default and says why; a release in an unread gap too', () => {
    const mips = choices('--kernel', '3.6').find((c) => c.area === 'mips-vmtype')!;
    assert.equal(mips.decidedBy, null);
    assert.match(mips.note, /Linux 3\.6 is not modelled \(up to 4\.11: MIPS KVM before 4\.12/);
    const xen = choices('--kernel', '6.12').find((c) => c.area === 'xen-runstate')!;
    assert.equal(xen.decidedBy, null);
    assert.match(xen.note, /a Xen behaviour, and no Xen release was given \(--xen\)/);
    const gap = choices('--kernel', '6.16').find((c) => c.area === 's390-pgste')!;
    assert.equal(gap.decidedBy, null);
    assert.match(gap.note, /Linux 6\.16 is not modelled \(6\.15-6\.16: 6\.14\.0 has vm\.allocate_pgste/);
    const both = ids(choices('--kernel', '4.9', '--xen', '4.17'));
    assert.equal(both['xen-runstate'], 'xen-runstate/va-at-switch');
    assert.equal(both['s390-pgste'], 's390-pgste/sysctl-only');
  });

  it('the text form names the variant and why, one line per area', () => {
    const run = hvreplay(db, ['policies', '--kernel', '4.19.200']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /mips-vmtype +mips-vmtype\/linux-5\.9-backport +Linux 4\.19\.200 is in 4\.19\.147-4\.19\.y/);
    assert.match(run.stdout, /xen-runstate +xen-runstate\/phys-area +default: a Xen behaviour/);
    assert.equal(run.stdout.trim().split('\n').length, 1 + AREAS.length);
  });

  it('diff TRACE --kernel 3.6 --kernel 6.12 compares the two releases in every area, exits 1 and names the first divergence', () => {
    const run = hvreplay(db, ['diff', ROM, '--kernel', '3.6', '--kernel', '6.12']);
    assert.equal(run.status, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /A = kvm-memslot\/linux-3\.6,kvm-readonly\/prot-read,.*kvm-x86-msr-exit\/before-5\.10,.*s390-pgste\/dup-mm,/);
    assert.match(
      run.stdout,
      /B = kvm-memslot\/linux-6\.12,kvm-readonly\/memslot-flag,.*kvm-x86-msr-exit\/linux-5\.10,.*s390-pgste\/elf-marker,/,
    );
    assert.match(
      run.stdout,
      /first divergence of 'kvm-readonly-bios-rom':\n@0 .*\n.*KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM\) # cap-readonly\n/,
    );
    assert.match(run.stdout, /A only: \{"kind":"result","ret":0\}\n {4}B only: \{"kind":"result","ret":1\}/);
    const json = JSON.parse(hvreplay(db, ['diff', ROM, '--kernel', '3.6', '--kernel', '6.12', '--json']).stdout);
    assert.equal(json.first.event.label, 'cap-readonly');
    assert.ok(json.divergentEvents >= 3, 'the ROM slot, the swapped-out read and the writes part too');
  });

  it('every command that takes --policy takes --kernel: replay, state, conform, bisect, debug', () => {
    const state = JSON.parse(hvreplay(db, ['state', ROM, '--at', '9', '--kernel', '3.6', '--json']).stdout);
    assert.equal(state.state.vms[0].status, 'crashed');
    assert.match(state.policies, /kvm-memslot\/linux-3\.6/);
    const replay = JSON.parse(hvreplay(db, ['replay', ROM, '--kernel', '6.12', '--json']).stdout);
    assert.match(replay.policies, /kvm-readonly\/memslot-flag/);
    const conform = hvreplay(db, ['conform', 'scenarios/mini-readonly-slot.yaml', '--kernel', '6.12', '--json']);
    assert.equal(JSON.parse(conform.stdout).mismatchCount, 0, conform.stdout);
    const bisect = hvreplay(db, ['bisect', ROM, '--kernel', '3.6', '--when', 'state.vms[0].status == "crashed"']);
    assert.match(bisect.stdout, /first bad event: @9 /);
    const debug = hvreplay(db, ['debug', ROM, '--kernel', '3.6'], { input: 'info policies\n' });
    assert.match(debug.stdout, /^kvm-memslot\/linux-3\.6$/m);
  });

  it('a --policy that contradicts the release is refused with exit 2; one for an area the release leaves alone is taken', () => {
    const clash = hvreplay(db, ['state', ROM, '--at', '3', '--kernel', '6.12', '--policy', 'kvm-readonly/prot-read']);
    assert.equal(clash.status, 2);
    assert.match(clash.stderr, /--policy kvm-readonly\/prot-read conflicts with Linux 6\.12, which runs kvm-readonly\/memslot-flag/);
    const fine = JSON.parse(
      hvreplay(db, ['state', ROM, '--at', '3', '--kernel', '6.12', '--policy', 'xen-runstate/va-at-switch', '--json']).stdout,
    );
    assert.match(fine.policies, /xen-runstate\/va-at-switch/);
  });

  it('bad releases and misplaced pairs are usage errors', () => {
    const rc = hvreplay(db, ['state', ROM, '--at', '3', '--kernel', '5.9-rc6']);
    assert.equal(rc.status, 2);
    assert.match(rc.stderr, /'5\.9-rc6' is not a release number/);
    const two = hvreplay(db, ['state', ROM, '--at', '3', '--kernel', '3.6', '--kernel', '6.12']);
    assert.equal(two.status, 2);
    assert.match(two.stderr, /--kernel names one release here/);
  });
});
