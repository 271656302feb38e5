import { FormatError } from './event-format.js';

// The ring buffer's own layout, from the two description files every trace.dat carries
// (trace-cmd.dat.v7(5), "HEADER INFO SECTION"):
//   header_page:  field: u64 timestamp; offset:0; size:8; signed:0;
//                 field: local_t commit; offset:8; size:8; signed:1;   (size = the kernel's long)
//                 field: char data; offset:16; size:4080; signed:0;
//   header_event: type_len : 5 bits, time_delta : 27 bits, array : 32 bits,
//                 padding : type == 29, time_extend : type == 30, time_stamp : type == 31,
//                 data max type_len == 28
// libtraceevent's kbuffer (src/kbuffer-parse.c) assumes these values; they are read from the file
// here so that a kernel that changed them is followed, and the defaults are the kernel's
// (kernel/trace/ring_buffer.c: RINGBUF_TYPE_PADDING 29, _TIME_EXTEND 30, _TIME_STAMP 31).

export interface RingLayout {
  timestampOffset: number;
  commitOffset: number;
  /** 4 or 8: the kernel's long, which is what trace-cmd takes as the file's long size. */
  commitSize: number;
  dataOffset: number;
  typeLenBits: number;
  timeDeltaBits: number;
  padding: number;
  timeExtend: number;
  timeStamp: number;
  /** Type lengths up to this hold the data length in 4-byte words; 0 means it is in array[0]. */
  dataMaxTypeLen: number;
}

function pageField(text: string, name: string): { offset: number; size: number } | undefined {
  const m = new RegExp(`field:[^;]*\\b${name};\\s*offset:\\s*(\\d+);\\s*size:\\s*(\\d+);`).exec(text);
  return m ? { offset: Number(m[1]), size: Number(m[2]) } : undefined;
}

function eventValue(text: string, pattern: RegExp, fallback: number): number {
  const m = pattern.exec(text);
  return m ? Number(m[1]) : fallback;
}

export function parseRingLayout(headerPage: string, headerEvent: string): RingLayout {
  const timestamp = pageField(headerPage, 'timestamp');
  const commit = pageField(headerPage, 'commit');
  const data = pageField(headerPage, 'data');
  if (!timestamp || !commit || !data) throw new FormatError('header_page fields "timestamp", "commit" and "data"');
  if (timestamp.size !== 8) throw new FormatError(`an 8-byte page timestamp in header_page, not ${timestamp.size} bytes`);
  if (commit.size !== 4 && commit.size !== 8) throw new FormatError(`a 4- or 8-byte commit in header_page, not ${commit.size} bytes`);
  if (!/type_len\s*:\s*\d+\s*bits/.test(headerEvent))
    throw new FormatError('a header_event with "type_len : N bits" (the ring buffer format of Linux 2.6.31 and later)');
  const layout: RingLayout = {
    timestampOffset: timestamp.offset,
    commitOffset: commit.offset,
    commitSize: commit.size,
    dataOffset: data.offset,
    typeLenBits: eventValue(headerEvent, /type_len\s*:\s*(\d+)\s*bits/, 5),
    timeDeltaBits: eventValue(headerEvent, /time_delta\s*:\s*(\d+)\s*bits/, 27),
    padding: eventValue(headerEvent, /padding\s*:\s*type\s*==\s*(\d+)/, 29),
    timeExtend: eventValue(headerEvent, /time_extend\s*:\s*type\s*==\s*(\d+)/, 30),
    timeStamp: eventValue(headerEvent, /time_stamp\s*:\s*type\s*==\s*(\d+)/, 31),
    dataMaxTypeLen: eventValue(headerEvent, /data max type_len\s*==\s*(\d+)/, 28),
  };
  if (layout.typeLenBits + layout.timeDeltaBits !== 32)
    throw new FormatError(`type_len and time_delta filling 32 bits, not ${layout.typeLenBits} + ${layout.timeDeltaBits}`);
  return layout;
}
