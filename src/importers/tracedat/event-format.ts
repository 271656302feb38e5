// An event's format file, as the kernel writes it to events/SYSTEM/EVENT/format and trace-cmd
// copies it into the trace.dat:
//   name: sched_switch
//   ID: 316
//   format:
//   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
//   	...
//   	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
//   	field:__data_loc char[] name;	offset:24;	size:4;	signed:0;
//   print fmt: "prev_comm=%s ...", REC->prev_comm, ...
// The field rules follow libtraceevent's event_read_fields (src/event-parse.c): the last identifier
// is the name, `[N]` after it makes an array, a type starting "__data_loc" or "__rel_loc" is a
// dynamic array (relative to the field for __rel_loc, kernels 5.18+), a char/u8/s8 array is a
// string, "long" in the type marks a long, "*" a pointer; old kernels have no "signed:".

export interface FieldFormat {
  name: string;
  type: string;
  offset: number;
  size: number;
  signed: boolean;
  array: boolean;
  /** Elements of a fixed array (0 for `char buf[]`, which runs to the end of the record). */
  arrayLength: number;
  dynamic: boolean;
  /** __rel_loc: the offset counts from the end of this field, not from the record's start. */
  relative: boolean;
  string: boolean;
  pointer: boolean;
  long: boolean;
  /** Bytes per element of an array (1 for strings and for element types of unknown size). */
  elementSize: number;
}

export interface EventFormat {
  id: number;
  system: string;
  name: string;
  /** The common_* fields every event starts with (common_type, common_pid, ...). */
  common: FieldFormat[];
  /** The event's own fields, in the order of its format. */
  fields: FieldFormat[];
  /** The text after "print fmt: ", unparsed (print-fmt.ts parses it when needed). */
  printFmt: string;
}

export class FormatError extends Error {}

const ELEMENT_SIZES: Record<string, number> = {
  u8: 1,
  s8: 1,
  char: 1,
  bool: 1,
  u16: 2,
  s16: 2,
  short: 2,
  u32: 4,
  s32: 4,
  int: 4,
  u64: 8,
  s64: 8,
};

/** @param longSize the kernel's long size (header_page's commit field), for `unsigned long x[N]`. */
export function parseEventFormat(text: string, system: string, longSize: number): EventFormat {
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
  if (name === undefined || id === undefined) throw new FormatError('a format file with "name:" and "ID:" lines');
  const common: FieldFormat[] = [];
  const fields: FieldFormat[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('field:');
    if (at < 0 || line.trimStart().startsWith('print fmt')) continue;
    const field = parseField(line.slice(at + 6), longSize);
    (field.name.startsWith('common_') ? common : fields).push(field);
  }
  const print = text.indexOf('print fmt:');
  const printFmt = print < 0 ? '' : text.slice(print + 10).trim();
  return { id: Number(id), system, name, common, fields, printFmt };
}

const OFFSET = /offset:\s*(\d+);/;
const SIZE = /size:\s*(\d+);/;
const SIGNED = /signed:\s*(\d+);/;

function parseField(rest: string, longSize: number): FieldFormat {
  const semi = rest.indexOf(';');
  if (semi < 0) throw new FormatError(`a field declaration ending in ";": ${rest.trim()}`);
  const decl = rest.slice(0, semi).trim();
  const offset = OFFSET.exec(rest)?.[1];
  const size = SIZE.exec(rest)?.[1];
  if (offset === undefined || size === undefined) throw new FormatError(`offset: and size: for field "${decl}"`);
  // `type name[len]`, or the "type [] item" form (`__data_loc char[] name`).
  const m = /^(.*?)([A-Za-z_]\w*)\s*(\[([^\]]*)\])?$/.exec(decl);
  if (!m || m[1]!.trim() === '') throw new FormatError(`a field declaration "type name", not "${decl}"`);
  const type = m[1]!.trim();
  const fieldName = m[2]!;
  const brackets = m[3] !== undefined;
  const dynamic = type.startsWith('__data_loc');
  const relative = type.startsWith('__rel_loc');
  const array = brackets || type.includes('[');
  const arrayLength = brackets ? lastNumber(m[4]!) : 0;
  const field: FieldFormat = {
    name: fieldName,
    type,
    offset: Number(offset),
    size: Number(size),
    signed: SIGNED.exec(rest)?.[1] === '1',
    array,
    arrayLength,
    dynamic: dynamic || relative,
    relative,
    string: array && /char|u8|s8/.test(type),
    pointer: type.includes('*'),
    long: type.includes('long'),
    elementSize: 1,
  };
  // An old kernel's 2-byte __data_loc is a string running to the end of the record (event_read_fields).
  if (field.dynamic && field.size === 2) field.string = field.array = true;
  field.elementSize = elementSize(field, longSize);
  return field;
}

function lastNumber(text: string): number {
  const nums = text.match(/\d+/g);
  return nums ? Number(nums.at(-1)) : 0;
}

function elementSize(f: FieldFormat, longSize: number): number {
  if (!f.array) return f.size;
  if (f.string) return 1;
  if (!f.dynamic && f.arrayLength > 0 && f.size % f.arrayLength === 0) return f.size / f.arrayLength;
  const base = f.type
    .replace(/^__data_loc|^__rel_loc/, '')
    .replace(/\[.*$/, '')
    .replace(/\b(const|volatile|unsigned|signed)\b/g, '')
    .trim();
  if (f.type.includes('*')) return longSize;
  if (/\blong\b/.test(base)) return /long\s+long/.test(base) ? 8 : longSize;
  return ELEMENT_SIZES[base] ?? 1;
}
