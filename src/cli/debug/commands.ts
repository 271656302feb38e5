import { findPolicy, isPolicyFile } from '../../engine/policy/registry.js';
import { loadPolicyFiles } from '../../query/policy-files.js';
import { parsePosition, seqAt } from '../../query/position.js';
import { valueText } from '../present/diff-text.js';
import { table } from '../present/output.js';
import { memslotTable, renderState, renderValue, vcpuTable, vmTable } from '../present/state-text.js';
import { diffValues } from '../../query/state-diff.js';
import { getPath } from '../../query/state-path.js';
import { DebugInputError } from './errors.js';
import { EVENT_BREAK_KINDS } from './stop-points.js';
import { positionLine, whereLines } from './format.js';
import type { DebugSession, Outcome } from './session.js';

// The command language, after gdb and rr. A command takes the session and the rest of its line and
// answers with lines of text; `quit` answers with QUIT.

export const QUIT = Symbol('quit');
export type Answer = string[] | typeof QUIT;

interface Command {
  names: string[];
  usage: string;
  help: string;
  run: (session: DebugSession, rest: string) => Answer | Promise<Answer>;
}

function count(rest: string): number {
  if (rest.trim() === '') return 1;
  const n = Number(rest.trim());
  if (!Number.isInteger(n) || n < 1) throw new DebugInputError(`expected a positive count, not '${rest.trim()}'`);
  return n;
}

function outcomeLines(session: DebugSession, outcome: Outcome, direction: 1 | -1, from: number): string[] {
  const lines: string[] = [];
  if (outcome.reason === 'hit') {
    for (const hit of outcome.hits) {
      const point = session.points.find((p) => p.id === hit.id);
      lines.push(`${point?.kind === 'watch' ? 'Watch' : 'Breakpoint'} ${hit.id} hit: ${hit.reason}`);
    }
  } else if (outcome.reason === 'interrupted') {
    lines.push(`Interrupted at @${session.seq}.`);
  } else if (outcome.reason === 'bound' && session.seq === from) {
    lines.push(direction > 0 ? `Already at the end of the trace (@${session.last}).` : 'Already at the start of the trace (@0).');
  } else if (outcome.reason === 'bound' && (session.seq === session.last || session.seq === 0)) {
    const at = direction > 0 ? 'end' : 'start';
    if (session.points.length)
      lines.push(`Reached the ${at} of the trace: no breakpoint or watch hit ${direction > 0 ? 'after' : 'before'} @${from}.`);
  }
  lines.push(positionLine(session.here));
  return lines;
}

function moveCommand(direction: 1 | -1) {
  return async (session: DebugSession, rest: string): Promise<Answer> => {
    const from = session.seq;
    return outcomeLines(session, await session.move(direction, count(rest)), direction, from);
  };
}

function continueCommand(direction: 1 | -1) {
  return async (session: DebugSession, rest: string): Promise<Answer> => {
    if (rest.trim()) throw new DebugInputError(`${direction > 0 ? 'continue' : 'reverse-continue'} takes no argument`);
    const from = session.seq;
    return outcomeLines(session, await session.continue(direction), direction, from);
  };
}

/** `break KIND NAME` on an event this trace never has can never stop: say so, as gdb warns of a location it cannot find. */
function cannotHit(session: DebugSession, what: string): string[] {
  const [kind, name, ...rest] = what.split(/\s+/);
  if (!kind || !name || rest.length > 0 || !(EVENT_BREAK_KINDS as readonly string[]).includes(kind)) return [];
  return session.hasEvent(kind, name) ? [] : [`warning: no event of '${session.trace.name}' is ${kind} ${name}: the breakpoint cannot hit`];
}

function gotoCommand(session: DebugSession, rest: string): Answer {
  const where = rest.trim();
  const position = parsePosition(where);
  if (position === undefined) throw new DebugInputError(`goto takes an event number, 'start' or 'end', not '${where}'`);
  const seq = seqAt(position, session.last);
  if (seq > session.last) throw new DebugInputError(`event ${seq} is outside the trace (events 0 to ${session.last})`);
  session.goto(seq);
  return [positionLine(session.here)];
}

function printCommand(session: DebugSession, rest: string): Answer {
  const words = rest.trim().split(/\s+/).filter(Boolean);
  const json = words[0] === '--json';
  const path = (json ? words.slice(1) : words).join(' ');
  const state = session.here.step.state;
  const value = path ? getPath(state, path) : state;
  if (value === undefined) throw new DebugInputError(`no state path '${path}' at @${session.seq}`);
  if (json) return JSON.stringify(value, null, 2).split('\n');
  return (path ? `${path} = ${renderValue(value)}` : renderState(state, '')).split('\n');
}

/**
 * State fields that change for the engine's own accounting, not because the machine changed: the
 * position and clock, and the marks that keep one exit from being counted twice.
 */
const BOOKKEEPING = new Set(['seq', 'now', 'countedExit', 'schedTraced']);

function withoutBookkeeping(found: ReturnType<typeof diffValues>): ReturnType<typeof diffValues> {
  const differences = found.differences.filter((d) => !BOOKKEEPING.has(d.path.split('.').at(-1)!));
  return { ...found, differences };
}

function diffCommand(session: DebugSession, rest: string): Answer {
  const path = rest.trim();
  const { before, step } = session.here;
  const a = path ? getPath(before, path) : before;
  const b = path ? getPath(step.state, path) : step.state;
  const found = withoutBookkeeping(diffValues(a, b));
  const lines = [
    `@${session.seq} changed ${found.differences.length + found.omitted === 0 ? 'nothing' : `${found.differences.length + found.omitted} path${found.differences.length + found.omitted === 1 ? '' : 's'}`}${path ? ` under ${path}` : ''}`,
  ];
  for (const d of found.differences) {
    const where = path ? (d.path === '(root)' ? path : d.path.startsWith('[') ? path + d.path : `${path}.${d.path}`) : d.path;
    lines.push(`  ${where}: ${valueText(d.a)} -> ${valueText(d.b)}`);
  }
  if (found.omitted) lines.push(`  ... and ${found.omitted} more`);
  return lines;
}

function infoCommand(session: DebugSession, rest: string): Answer {
  const what = rest.trim();
  const state = session.here.step.state;
  const none = (s: string) => [s];
  switch (what) {
    case 'breakpoints':
    case 'break':
    case 'b':
    case 'watchpoints':
    case 'watch':
      if (session.points.length === 0) return none('No breakpoints or watches.');
      return table(
        ['NUM', 'TYPE', 'HITS', 'WHAT'],
        session.points.map((p) => [p.id, p.kind, p.hits, p.what]),
      ).split('\n');
    case 'vcpus':
      return state.vms.some((vm) => vm.vcpus.length) ? vcpuTable(state).split('\n') : none(`No vCPUs at @${session.seq}.`);
    case 'memslots':
      return state.vms.some((vm) => vm.memslots.length) ? memslotTable(state).split('\n') : none(`No memslots at @${session.seq}.`);
    case 'vms':
      return state.vms.length ? vmTable(state).split('\n') : none(`No VMs at @${session.seq}.`);
    case 'policies':
    case 'policy':
      return session.policies.policies.map((p) => `${p.id}${p.isDefault ? ' (default)' : ''}`);
    default:
      throw new DebugInputError(`info what? breakpoints, vcpus, memslots, vms or policies`);
  }
}

async function policyCommand(session: DebugSession, rest: string, notice: (line: string) => void): Promise<Answer> {
  const id = rest.trim();
  if (!id) return infoCommand(session, 'policies');
  let policy;
  try {
    if (isPolicyFile(id)) await loadPolicyFiles([id]);
    policy = findPolicy(id);
  } catch (error) {
    throw new DebugInputError((error as Error).message);
  }
  // Replace the choice for this policy's area, keep the others.
  const ids = [...session.chosenPolicies.filter((other) => findPolicy(other).area !== policy.area), id];
  session.setPolicies(ids, notice);
  return [`Policy ${policy.id} for ${policy.area}.`, positionLine(session.here)];
}

export function commandTable(notice: (line: string) => void = () => {}): Command[] {
  return [
    {
      names: ['step', 's', 'next', 'n'],
      usage: 'step [N]',
      help: 'forwards N events (default 1), stopping early at a breakpoint or watch hit',
      run: moveCommand(1),
    },
    {
      names: ['back', 'reverse-step', 'rs', 'reverse-next', 'rn'],
      usage: 'back [N]',
      help: 'backwards N events (default 1), stopping early at a hit',
      run: moveCommand(-1),
    },
    { names: ['goto', 'g'], usage: 'goto N|start|end', help: 'to the state after event N', run: gotoCommand },
    {
      names: ['continue', 'c'],
      usage: 'continue',
      help: 'forwards to the next hit, else the end of the trace (Ctrl-C stops it)',
      run: continueCommand(1),
    },
    {
      names: ['reverse-continue', 'rc'],
      usage: 'reverse-continue',
      help: 'backwards to the previous hit, else the start of the trace',
      run: continueCommand(-1),
    },
    {
      names: ['break', 'b'],
      usage: 'break ioctl NAME | exit REASON | effect KIND | CEL',
      help: 'stop at events of that kind and name, exits to userspace with that reason, events with that predicted effect, or where the predicate holds',
      run: (session, rest) => {
        const p = session.addPoint('breakpoint', rest);
        return [`Breakpoint ${p.id}: ${p.what}`, ...cannotHit(session, p.what)];
      },
    },
    {
      names: ['watch', 'w'],
      usage: 'watch PATH',
      help: 'stop at events that change the value at a state path (either direction)',
      run: (session, rest) => {
        if (!rest.trim()) throw new DebugInputError('watch needs a state path, e.g. vms[0].vcpus[0].lastExit');
        const p = session.addPoint('watch', rest);
        const now = getPath(session.here.step.state, p.what);
        const absent = now === undefined && getPath(session.finalState, p.what) === undefined;
        return [
          `Watch ${p.id}: ${p.what} = ${valueText(now)}`,
          ...(absent ? [`warning: ${p.what} exists neither here nor after the last event (@${session.last}): the watch cannot hit`] : []),
        ];
      },
    },
    {
      names: ['delete', 'd'],
      usage: 'delete [NUM...]',
      help: 'delete breakpoints and watches (all when no number)',
      run: (session, rest) => {
        const ids = rest
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((w) => {
            if (!/^\d+$/.test(w)) throw new DebugInputError(`delete takes breakpoint numbers, not '${w}'`);
            return Number(w);
          });
        const gone = session.deletePoints(ids);
        return [gone.length ? `Deleted ${gone.join(', ')}.` : 'No breakpoints or watches.'];
      },
    },
    {
      names: ['info', 'i'],
      usage: 'info breakpoints|vcpus|memslots|vms|policies',
      help: 'tables of the stop points, or of the state at this position',
      run: infoCommand,
    },
    {
      names: ['print', 'p'],
      usage: 'print [--json] [PATH]',
      help: 'the state, or the value at a path (vms[0].memslots[1].flags)',
      run: printCommand,
    },
    {
      names: ['where', 'bt'],
      usage: 'where',
      help: 'the position, its event with source file:line, and its effects',
      run: (s) => whereLines(s.here, s.last),
    },
    { names: ['diff'], usage: 'diff [PATH]', help: 'what this event changed in the state: each path, before -> after', run: diffCommand },
    {
      names: ['policy'],
      usage: 'policy [AREA/VARIANT]',
      help: "switch one area's policy, keeping the position (no id: list the active ones)",
      run: (s, r) => policyCommand(s, r, notice),
    },
    { names: ['help', 'h'], usage: 'help', help: 'this list', run: () => helpLines(process.stdout.columns ?? 100) },
    { names: ['quit', 'q'], usage: 'quit', help: 'leave (Ctrl-D too)', run: () => QUIT },
  ];
}

/** The commands, each with its aliases and what it does, wrapped at word boundaries to `width` columns. */
export function helpLines(width = 100): string[] {
  const lines: string[] = [];
  for (const c of commandTable()) {
    const aliases = c.names.length > 1 ? ` (${c.names.slice(1).join(', ')})` : '';
    lines.push(...wrapWords(`${c.usage}${aliases}`, width, ''), ...wrapWords(c.help, width, '    '));
  }
  return [
    ...lines,
    '',
    ...wrapWords('@N is the state after event N. An empty line repeats the last command (interactive only).', width, ''),
  ];
}

/** Words filled into lines of at most `width` columns (a word longer than a line stays whole), each line after `indent`. */
export function wrapWords(text: string, width: number, indent: string): string[] {
  const room = Math.max(20, width - indent.length);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > room) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

export function commandNames(): string[] {
  return commandTable().flatMap((c) => c.names);
}

/** Runs one line; unknown commands and bad arguments throw DebugInputError. */
export async function runLine(session: DebugSession, line: string, notice?: (line: string) => void): Promise<Answer> {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return [];
  const [name = '', ...restWords] = trimmed.split(/\s+/);
  const rest = trimmed.slice(name.length);
  void restWords;
  const command = commandTable(notice).find((c) => c.names.includes(name));
  if (!command) throw new DebugInputError(`unknown command '${name}' (help lists them)`);
  return command.run(session, rest);
}
