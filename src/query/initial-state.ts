import { initialState, type MachineState } from '../model/state.js';
import type { TraceRecord } from '../store/traces.js';

/** The state before a trace's first event: its architecture and the host facts a scenario gives. */
export function initialStateFor(trace: TraceRecord): MachineState {
  const arch = typeof trace.meta.arch === 'string' ? trace.meta.arch : 'x86_64';
  const state = initialState(arch);
  const host = trace.meta.host;
  if (host && typeof host === 'object' && Object.keys(host).length > 0) {
    return { ...state, host: { ...state.host, features: host as Record<string, unknown> } };
  }
  return state;
}
