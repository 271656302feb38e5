import { allPolicies } from '../../engine/policy/registry.js';
import { KVM_EXIT_REASONS } from '../../model/kvm-abi.js';
import type { MachineState } from '../../model/state.js';
import { commandNames } from './commands.js';
import { EFFECT_KINDS, EVENT_BREAK_KINDS } from './stop-points.js';

// Tab completion as readline wants it: [candidates, the text they replace]. Command names first;
// then per command its words, and state paths read from the state at the current position.

const PATH_COMMANDS = new Set(['print', 'p', 'watch', 'w', 'diff']);
const INFO_WORDS = ['breakpoints', 'vcpus', 'memslots', 'vms', 'policies'];

/** Completions of a partial state path (`vms[0].vc` -> `vms[0].vcpus`) against `state`. */
export function completePath(state: MachineState, token: string): string[] {
  const sep = Math.max(token.lastIndexOf('.'), token.lastIndexOf('['));
  const containerPath = sep < 0 ? '' : token.slice(0, sep);
  const partial = sep < 0 ? token : token.slice(sep + 1);
  let container: unknown = state;
  for (const part of containerPath.match(/[^.[\]]+/g) ?? []) {
    if (container === null || typeof container !== 'object') return [];
    container = (container as Record<string, unknown>)[part];
  }
  if (container === null || typeof container !== 'object') return [];
  if (Array.isArray(container)) {
    if (sep >= 0 && token[sep] === '.') return [];
    return container.map((_, i) => `${containerPath}[${i}]`).filter((c) => c.startsWith(token));
  }
  if (sep >= 0 && token[sep] === '[') return [];
  return Object.keys(container)
    .filter((key) => key.startsWith(partial) && /^[\w-]+$/.test(key))
    .map((key) => (containerPath ? `${containerPath}.${key}` : key));
}

/** `break exit` takes KVM_EXIT_MMIO or mmio: complete in the form the user started (mm -> mmio, KVM_EXIT_M -> KVM_EXIT_MMIO). */
function exitReasons(token: string): string[] {
  if (token === '' || /^kvm_/i.test(token) || 'KVM_EXIT_'.startsWith(token.toUpperCase()))
    return KVM_EXIT_REASONS.filter((r) => r.startsWith(token.toUpperCase()));
  const short = KVM_EXIT_REASONS.map((r) => r.slice('KVM_EXIT_'.length));
  const lower = token === token.toLowerCase();
  return short.filter((r) => r.startsWith(token.toUpperCase())).map((r) => (lower ? r.toLowerCase() : r));
}

function words(list: readonly string[], token: string): string[] {
  return list.filter((w) => w.startsWith(token));
}

export function complete(line: string, state: MachineState): [string[], string] {
  const parts = line.split(/\s+/);
  const token = parts[parts.length - 1] ?? '';
  if (parts.length <= 1) return [words(commandNames(), token).map((w) => w + ' '), token];
  const command = parts[0]!;
  const argIndex = parts.length - 1;
  if (PATH_COMMANDS.has(command)) {
    if (token.startsWith('-')) return [words(['--json'], token), token];
    return [completePath(state, token), token];
  }
  if ((command === 'info' || command === 'i') && argIndex === 1) return [words(INFO_WORDS, token), token];
  if ((command === 'goto' || command === 'g') && argIndex === 1) return [words(['start', 'end'], token), token];
  if (command === 'policy' && argIndex === 1)
    return [
      words(
        allPolicies().map((p) => p.id),
        token,
      ),
      token,
    ];
  if (command === 'break' || command === 'b') {
    if (token.startsWith('state.')) return [completePath(state, token.slice('state.'.length)).map((p) => 'state.' + p), token];
    if (argIndex === 1) return [words(['exit', 'effect', ...EVENT_BREAK_KINDS, 'state.', 'event.', 'effects.'], token), token];
    if (argIndex === 2 && parts[1] === 'exit') return [exitReasons(token), token];
    if (argIndex === 2 && parts[1] === 'effect') return [words(EFFECT_KINDS, token), token];
  }
  return [[], token];
}
