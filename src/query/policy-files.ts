import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Policy } from '../engine/policy/define.js';
import { isPolicyFile, useFilePolicy } from '../engine/policy/registry.js';
import { PolicyError, PolicyFailure } from '../errors.js';
import type { TraceRecord } from '../store/traces.js';

// A user's policy is an ES module that default-exports what definePolicy() made (README "Writing a
// policy"). `--policy ./my-patch.js` loads it wherever `--policy AREA/VARIANT` works. Its content
// hash keys its snapshots, so they are reused until the file changes.

function looksLikePolicy(value: unknown): value is Policy {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<Policy>;
  return typeof p.id === 'string' && typeof p.area === 'string' && typeof p.reducers === 'object' && typeof p.hooks === 'object';
}

/** Load one policy file; `ref` is the path as the user wrote it, relative to `base`. */
export async function loadPolicyFile(ref: string, base = process.cwd()): Promise<Policy> {
  const path = resolve(base, ref);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PolicyError(
      code === 'ENOENT' ? `no such policy file: ${ref}` : `cannot read policy file ${ref}: ${code ?? (error as Error).message}`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let module: { default?: unknown };
  try {
    // The hash in the URL makes a changed file a new module, even within one process (the debugger's `policy`).
    module = (await import(`${pathToFileURL(path).href}?sha256=${sha256}`)) as { default?: unknown };
  } catch (error) {
    throw new PolicyFailure(`policy file ${ref} failed to load: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!looksLikePolicy(module.default))
    throw new PolicyError(
      `${ref} does not default-export a policy: write \`export default definePolicy({...})\` (import { definePolicy } from 'hvreplay')`,
    );
  return { ...module.default, origin: { file: ref, sha256 } };
}

/** Load every file among `refs` (relative to `base`) so that resolvePolicies finds it; AREA/VARIANT ids are left alone. */
export async function loadPolicyFiles(refs: readonly string[], base = process.cwd()): Promise<void> {
  for (const ref of refs) if (isPolicyFile(ref)) useFilePolicy(resolve(base, ref), await loadPolicyFile(ref, base));
}

export { isPolicyFile };

/** Where a scenario's expectations look for the policy files they name: beside the scenario. */
export function scenarioDir(trace: TraceRecord): string {
  const source = trace.sources[0]?.path;
  return source ? dirname(resolve(source)) : process.cwd();
}

/** Load the policy files a scenario's expectations name (`policy: ./my-patch.js`), relative to the scenario. */
export async function loadScenarioPolicies(trace: TraceRecord): Promise<void> {
  const expectations = (trace.meta.expectations ?? []) as { policy?: string | string[] }[];
  await loadPolicyFiles(
    expectations.flatMap((e) => (e.policy === undefined ? [] : [e.policy].flat())),
    scenarioDir(trace),
  );
}
