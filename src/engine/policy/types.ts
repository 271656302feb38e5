import type { MachineState, Process, Vm } from '../../model/state.js';
import type { ReduceContext } from '../context.js';

// A policy is one named kernel behaviour for one area (DESIGN.md, "Policies"). The core reducers
// ask the active policies at a few decision points (the hooks below); a policy answers the ones its
// area is about and leaves the rest undefined.

export interface PolicySource {
  kind: 'commit' | 'seed' | 'patch' | 'doc' | 'source';
  /** Commit id, seed file name, list archive subject, or path in a source tree. */
  ref: string;
  note?: string;
}

/** `flavor`: what the type selected, where one architecture has several kinds of VM (MIPS T&E or VZ). */
export type VmCreateDecision = { errno: string; why: string } | { accept: true; why?: string; flavor?: string };

export interface PolicyHooks {
  /** KVM_CHECK_EXTENSION: the value this policy's kernel returns for `cap`, if the area decides it. */
  capability?(cap: string, state: MachineState, vm: Vm | undefined): number | undefined;
  /** KVM_CREATE_VM: refuse or accept the machine type, if the area decides it. */
  vmCreate?(type: number, state: MachineState, process: Process): VmCreateDecision | undefined;
  /**
   * KVM_SET_USER_MEMORY_REGION: flag bits this area's kernel adds to the ones check_memory_region_flags()
   * accepts, or 'unchecked' for a kernel from before that check, which stored any flags as given.
   */
  memslotFlags?(): number | 'unchecked' | undefined;
  /**
   * Events the core reducers do not know (hypercalls, guest events, area-specific syscalls): return
   * the next state, or undefined when the event is not this area's.
   */
  reduce?(state: MachineState, ctx: ReduceContext): MachineState | undefined;
}

export interface PolicyInfo extends PolicyHooks {
  /** `area/variant`, the form --policy takes. */
  id: string;
  area: string;
  variant: string;
  isDefault: boolean;
  summary: string;
  sources: PolicySource[];
}

/** A policy's names: its id is always `area/variant`, so it is derived, never written out to drift. */
export function policyName<A extends string, V extends string>(area: A, variant: V): { id: `${A}/${V}`; area: A; variant: V } {
  return { id: `${area}/${variant}`, area, variant };
}
