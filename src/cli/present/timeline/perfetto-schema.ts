import protobuf from 'protobufjs';
import { PERFETTO_PROTO } from '../../../paths.js';

// Perfetto's trace format, from the subset of perfetto_trace.proto vendored under proto/perfetto/
// (Apache-2.0; its header says from which commit). The writer encodes with it; tests decode with it.

let root: protobuf.Root | undefined;

export function perfettoTypes(): { Trace: protobuf.Type; TracePacket: protobuf.Type } {
  root ??= protobuf.loadSync(PERFETTO_PROTO);
  return { Trace: root.lookupType('perfetto.protos.Trace'), TracePacket: root.lookupType('perfetto.protos.TracePacket') };
}

// Enum numbers as perfetto_trace.proto defines them.
export const SLICE_BEGIN = 1;
export const SLICE_END = 2;
export const INSTANT = 3;
export const COUNTER = 4;
export const SEQ_INCREMENTAL_STATE_CLEARED = 1;
export const UNIT_COUNT = 2;
/** TrackDescriptor.ChildTracksOrdering.EXPLICIT: children in sibling_order_rank order. */
export const CHILDREN_EXPLICIT = 3;
