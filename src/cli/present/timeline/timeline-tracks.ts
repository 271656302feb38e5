import type { Effect } from '../../../model/effect.js';
import type { Fields, TimelineItem, VcpuKey } from '../../../query/timeline/items.js';
import type { Mark } from '../../../query/timeline/marks.js';
import type { TraceFileWriter, TrackKind } from './trace-file.js';

// Where each timeline item goes in the file: the track tree (one per VMM process, under it each thread
// that made ioctls, each vCPU with its exits, guest time and run state, the counters, the predictions
// and marks). Tracks are declared when first used. A track's slices never overlap: one that would start
// before the last one on its track ended is moved to that end (counted in `moved`), so the file
// always nests. The tree, with what went on each track, is kept for the text summary.

export interface TrackNode {
  uuid: number;
  name: string;
  kind: TrackKind;
  children: TrackNode[];
  slices: number;
  instants: number;
  values: number;
}

const vcpuName = (k: VcpuKey) => `${k.vm === 0 ? '' : `vm${k.vm} `}vCPU ${k.vcpu}`;

function effectName(e: Effect): string {
  if (e.kind === 'crash') return `crash: ${e.reason}`;
  if (e.kind === 'log') return `log: ${e.message}`;
  if (e.kind === 'guest_write') return `guest_write: ${e.what}`;
  return e.kind;
}

function effectFields(e: Effect): Fields {
  const fields: Fields = {};
  for (const [k, v] of Object.entries(e))
    if (k !== 'kind' && v !== undefined) fields[k] = typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
  return fields;
}

export class TimelineTracks {
  readonly roots: TrackNode[] = [];
  /** Slices moved later to keep a track's slices apart (clock disagreement between observers). */
  moved = 0;
  private readonly byKey = new Map<string, TrackNode>();
  private readonly lastEnd = new Map<number, number>();
  private nextUuid = 1;

  constructor(private readonly writer: TraceFileWriter) {}

  readonly accept = (item: TimelineItem): void => {
    switch (item.type) {
      case 'call': {
        const { pid, tid, comm } = item.thread;
        const track = this.track(`t/${pid}/${tid}`, `${comm ?? 'thread'} ${tid}`, 'thread', this.process(pid), { pid, tid });
        const result: Fields = item.errno !== undefined ? { errno: item.errno } : item.ret !== undefined ? { ret: item.ret } : {};
        return this.slice(track, item.name, 'ioctl', item.start, item.end, { fd: item.target, ...result, ...item.fields });
      }
      case 'run':
        return this.slice(this.vcpu(item.vcpu), 'KVM_RUN', 'kvm_run', item.start, item.end, {
          ...(item.exit ? { exit: item.exit } : {}),
          ...(item.errno ? { errno: item.errno } : {}),
        });
      case 'exit': {
        const track =
          item.level === 'userspace'
            ? this.vcpuChild(item.vcpu, 'exits', 'exits to userspace')
            : this.vcpuChild(item.vcpu, 'kernel', 'kernel and guest');
        return this.slice(track, item.reason, 'exit', item.start, item.end, {
          seq: item.seq,
          ...item.fields,
          ...(item.open ? { open: 'the trace ends first' } : {}),
        });
      }
      case 'guest':
        return this.slice(this.vcpuChild(item.vcpu, 'kernel', 'kernel and guest'), 'guest', 'guest', item.start, item.end, {
          seq: item.seq,
          ...(item.open ? { open: 'the trace ends first' } : {}),
        });
      case 'runstate':
        return this.slice(this.vcpuChild(item.vcpu, 'runstate', 'run state'), item.state, 'runstate', item.start, item.end, {});
      case 'memslots':
        return this.value(this.track(`m/${item.vm}`, `vm${item.vm} memslots`, 'counter', this.process(item.pid)), item.at, item.count);
      case 'exit-total': {
        const what = item.level === 'userspace' ? 'exits' : 'kvm_exit';
        return this.value(
          this.track(`x/${item.vm}/${item.level}/${item.reason}`, `vm${item.vm} ${what} ${item.reason}`, 'counter', this.process(item.pid)),
          item.at,
          item.total,
        );
      }
      case 'effect': {
        const track = this.track(`e/${item.pid}`, 'policy predictions', 'slices', this.process(item.pid));
        return this.instant(track, effectName(item.effect), 'policy', item.at, { seq: item.seq, ...effectFields(item.effect) });
      }
    }
  };

  /** A mark from conform, bisect or diff, on its VMM's marks track (or a global one when the event names no process). */
  mark(pid: number | undefined, at: number, mark: Mark): void {
    const parent = pid === undefined ? undefined : this.process(pid);
    const track = this.track(`k/${pid ?? '-'}`, 'hvreplay marks', 'slices', parent);
    this.instant(track, mark.name, mark.source, at, { seq: mark.seq, ...mark.fields });
  }

  private process(pid: number): TrackNode {
    return this.track(`p/${pid}`, `VMM ${pid}`, 'process', undefined, { pid });
  }

  private vcpu(k: VcpuKey): TrackNode {
    return this.track(
      `v/${k.vm}/${k.vcpu}`,
      vcpuName(k),
      'slices',
      this.process(k.pid),
      {},
      `KVM_RUN calls${k.tid === undefined ? '' : ` of thread ${k.tid}`}`,
    );
  }

  private vcpuChild(k: VcpuKey, key: string, what: string): TrackNode {
    return this.track(`v/${k.vm}/${k.vcpu}/${key}`, `${vcpuName(k)} ${what}`, 'slices', this.vcpu(k));
  }

  private track(
    key: string,
    name: string,
    kind: TrackKind,
    parent: TrackNode | undefined,
    ids: { pid?: number; tid?: number } = {},
    description?: string,
  ): TrackNode {
    let node = this.byKey.get(key);
    if (node) return node;
    node = { uuid: this.nextUuid++, name, kind, children: [], slices: 0, instants: 0, values: 0 };
    this.byKey.set(key, node);
    (parent ? parent.children : this.roots).push(node);
    this.writer.track({
      uuid: node.uuid,
      name,
      kind,
      ...(parent ? { parent: parent.uuid } : {}),
      ...ids,
      ...(description ? { description } : {}),
    });
    return node;
  }

  private slice(track: TrackNode, name: string, category: string, start: number, end: number, args: Fields): void {
    const last = this.lastEnd.get(track.uuid);
    let from = start;
    if (last !== undefined && from < last) {
      from = last;
      this.moved++;
    }
    const to = Math.max(from, end);
    this.lastEnd.set(track.uuid, to);
    track.slices++;
    this.writer.slice(track.uuid, name, category, from, to, args);
  }

  private instant(track: TrackNode, name: string, category: string, at: number, args: Fields): void {
    track.instants++;
    this.writer.instant(track.uuid, name, category, at, args);
  }

  private value(track: TrackNode, at: number, value: number): void {
    track.values++;
    this.writer.counter(track.uuid, at, value);
  }
}

/** The track tree as text, with what each track holds: the README's picture where no UI can be shown. */
export function trackTreeText(roots: readonly TrackNode[]): string {
  const lines: string[] = [];
  const what = (n: TrackNode) =>
    [n.slices ? `${n.slices} slices` : '', n.instants ? `${n.instants} instants` : '', n.values ? `${n.values} values` : '']
      .filter(Boolean)
      .join(', ');
  const label = (n: TrackNode) => {
    const detail = [n.kind === 'slices' ? '' : n.kind, what(n)].filter(Boolean).join(': ');
    return `${n.name}${detail ? `  (${detail})` : ''}`;
  };
  const walk = (nodes: readonly TrackNode[], prefix: string): void =>
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label(n)}`);
      walk(n.children, prefix + (last ? '   ' : '│  '));
    });
  for (const root of roots) {
    lines.push(label(root));
    walk(root.children, '');
  }
  return lines.join('\n');
}
