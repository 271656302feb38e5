// @ts-check
// hvreplay as a library: import a recording into a store of your own, then ask what two kernels make
// of it. Run from the repository root (after `npm ci`): node examples/script.js [STORE]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffTracePolicies, importFiles, openStore, releaseChoices, resolvePolicies, stateAt } from 'hvreplay';

// Without STORE, a store of its own that goes when the script ends.
const scratch = process.argv[2] === undefined ? mkdtempSync(join(tmpdir(), 'hvreplay-script-')) : undefined;
const store = process.argv[2] ?? join(/** @type {string} */ (scratch), 'script.db');
const db = openStore(store);
try {
  const { trace } = await importFiles(db, {
    files: ['test/fixtures/traces/qemu-pc-64m.strace.gz', 'test/fixtures/traces/qemu-pc-64m.ftrace.gz'],
    name: 'pc',
  });
  console.log(`imported '${trace.name}': ${trace.eventCount} events into ${scratch ? 'a scratch store' : store}`);

  // The state after the BIOS ROM slot is created, under today's defaults.
  const { state } = stateAt(db, trace, 4810, resolvePolicies([]));
  for (const slot of state.vms[0]?.memslots ?? [])
    console.log(`  slot ${slot.slot}: gpa ${slot.guestPhysAddr} size ${slot.memorySize} flags ${slot.flags}`);

  // Linux 3.6 against 6.12, each as the variant of every area that release runs (`--kernel`): where
  // do they first part on this recording, and how often?
  const kernel = (/** @type {string} */ linux) => resolvePolicies(releaseChoices({ linux }).map((c) => c.policy.id));
  const report = diffTracePolicies(db, trace, kernel('3.6'), kernel('6.12'));
  const first = report.first;
  console.log(
    first
      ? `first divergence at @${first.seq}: ${first.event.kind}:${first.event.name}, ${report.divergentEvents} events differ`
      : 'no divergence',
  );
} finally {
  db.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
