import { EVENT_KINDS, type EventKind, type NewEvent } from '../../model/event.js';
import { argsText, type EncodedEvent } from '../../store/encoded-event.js';
import { SeenOnce, unshared } from '../../store/seen-once.js';

// Encoded events in a form that crosses between threads cheaply: the numbers of every event in one
// Float64Array (handed over, not copied), texts that repeat (names, comms, file names) as numbers into
// a dictionary that only grows (each batch carries its new entries), and the other texts of each
// event (args, result, label) joined in one string, their lengths among the numbers. Structured
// cloning an object per event cost as much as making them, and an array of strings a tenth of an
// strace import.

/**
 * Numbers per event: kind, name, ts, pid, tid, comm, cpu, vm, vcpu, src_file, src_line, args (a word,
 * when it repeats), then the lengths of args, result and label in `texts` (-1: none).
 */
const NUMBERS = 15;
/** Words at most: a trace of all-distinct payloads sends them as texts. */
const WORDS_LIMIT = 1 << 18;
/** An absent number; no event's field is NaN. */
const NONE = NaN;

export interface PackedBatch {
  count: number;
  numbers: Float64Array;
  /** The texts of the batch's events, one after another. */
  texts: string;
  /** Dictionary entries first used in this batch, in order. */
  newWords: string[];
}

/**
 * A text to keep in a long-lived map without keeping what it was cut from: a raw payload is a slice of
 * its line, which is a slice of a 256 KiB chunk. Args JSON is a string of its own (JSON.stringify
 * makes a new one) and is kept as it is, which saves a copy per strace call.
 */
function own(text: string): string {
  return text.charCodeAt(0) === OPEN_BRACE ? text : unshared(text);
}

const OPEN_BRACE = 0x7b;

const KIND_IDS = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));

/** The worker's side: packs events, remembering the dictionary it has sent. */
export class BatchPacker {
  private readonly words = new Map<string, number>();
  private newWords: string[] = [];
  /** Raw payloads seen once: the second and later go as words (the store interns those too). */
  private readonly seenOnce = new SeenOnce();

  /**
   * Raw payloads that repeat (a guest's instructions) go as words: the writing thread then gets one
   * string object for all of them, whose hash V8 keeps, instead of a new string each time to hash
   * again. Args JSON (strace's calls) is left for the writing thread to count (EncodedEvent.argsRepeat
   * undefined): there the parsing thread is the slower one.
   */
  private argsWord(text: string | null): number {
    if (text === null || text.charCodeAt(0) === OPEN_BRACE) return NONE;
    const known = this.words.get(text);
    if (known !== undefined) return known;
    if (this.words.size >= WORDS_LIMIT) return NONE;
    return this.seenOnce.again(text) ? this.word(text) : NONE;
  }

  private word(text: string | undefined): number {
    if (text === undefined) return NONE;
    let id = this.words.get(text);
    if (id === undefined) {
      const kept = own(text);
      this.words.set(kept, (id = this.words.size));
      this.newWords.push(kept);
    }
    return id;
  }

  /** The events as the store will take them (encoded-event.ts), packed. */
  pack(events: readonly NewEvent[]): PackedBatch {
    const numbers = new Float64Array(events.length * NUMBERS);
    const texts: string[] = [];
    const text = (at: number, t: string | null | undefined) => {
      numbers[at] = t === null || t === undefined ? -1 : t.length;
      if (t) texts.push(t);
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const n = i * NUMBERS;
      numbers[n] = KIND_IDS.get(e.kind)!;
      numbers[n + 1] = this.word(e.name);
      numbers[n + 2] = e.ts ?? NONE;
      numbers[n + 3] = e.pid ?? NONE;
      numbers[n + 4] = e.tid ?? NONE;
      numbers[n + 5] = this.word(e.comm);
      numbers[n + 6] = e.cpu ?? NONE;
      numbers[n + 7] = e.vm ?? NONE;
      numbers[n + 8] = e.vcpu ?? NONE;
      numbers[n + 9] = this.word(e.src?.file);
      numbers[n + 10] = e.src?.line ?? NONE;
      const a = argsText(e.args);
      const word = this.argsWord(a);
      numbers[n + 11] = word;
      text(n + 12, Number.isNaN(word) ? a : null);
      text(n + 13, e.result ? JSON.stringify(e.result) : null);
      text(n + 14, e.label);
    }
    const batch = { count: events.length, numbers, texts: texts.join(''), newWords: this.newWords };
    this.newWords = [];
    return batch;
  }
}

const number = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** The writing thread's side: the dictionary so far, and each batch's events back. */
export class BatchUnpacker {
  private readonly words: string[] = [];

  unpack(batch: PackedBatch, each: (event: EncodedEvent) => void): void {
    for (const w of batch.newWords) this.words.push(w);
    const { numbers, texts } = batch;
    const word = (v: number) => (Number.isNaN(v) ? undefined : this.words[v]);
    let at = 0;
    const text = (length: number): string | null => {
      if (length < 0) return null;
      at += length;
      return texts.slice(at - length, at);
    };
    for (let i = 0; i < batch.count; i++) {
      const n = i * NUMBERS;
      const args = text(numbers[n + 12]!);
      const argsWord = word(numbers[n + 11]!);
      const result = text(numbers[n + 13]!);
      const label = text(numbers[n + 14]!);
      each({
        kind: EVENT_KINDS[numbers[n]!]!,
        name: word(numbers[n + 1]!)!,
        ts: number(numbers[n + 2]!),
        pid: number(numbers[n + 3]!),
        tid: number(numbers[n + 4]!),
        comm: word(numbers[n + 5]!),
        cpu: number(numbers[n + 6]!),
        vm: number(numbers[n + 7]!),
        vcpu: number(numbers[n + 8]!),
        argsText: argsWord ?? args,
        ...(argsWord !== undefined
          ? { argsRepeat: true }
          : args !== null && args.charCodeAt(0) !== OPEN_BRACE
            ? { argsRepeat: false }
            : {}),
        resultText: result,
        srcFile: word(numbers[n + 9]!),
        srcLine: number(numbers[n + 10]!),
        label: label ?? undefined,
      });
    }
  }
}
