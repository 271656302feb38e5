import { initialState, type HostFacts, type MachineState } from '../model/state.js';
import type { TraceRecord } from '../store/traces.js';

/**
 * The state before a trace's first event: its architecture and the host facts a scenario gives, with
 * those of a host profile (`--host`) over them.
 */
export function initialStateFor(trace: TraceRecord, profile?: HostFacts): MachineState {
  const arch = typeof trace.meta.arch === 'string' ? trace.meta.arch : 'x86_64';
  const state = initialState(arch);
  const host = { ...(trace.meta.host && typeof trace.meta.host === 'object' ? (trace.meta.host as HostFacts) : {}), ...profile };
  if (Object.keys(host).length > 0) return { ...state, host: { ...state.host, features: host } };
  return state;
}
