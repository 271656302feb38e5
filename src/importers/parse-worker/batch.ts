import { EVENT_KINDS, type EventKind } from '../../model/event.js';
import type { EncodedEvent } from '../../store/encoded-event.js';
import { unshared } from '../../store/strings.js';

// Encoded events in a form that crosses between threads cheaply: the numbers of every event in one
// Float64Array (handed over, not copied), texts that repeat (names, comms, file names) as numbers into
// a dictionary that only grows (each batch carries its new entries), and the texts of each event
// (args, result, label) in one array. Structured cloning an object per event cost as much as making
// them.

/** Numbers per event: kind, name, ts, pid, tid, comm, cpu, vm, vcpu, src_file, src_line, args (a word, when it repeats). */
const NUMBERS = 12;
/** Args texts remembered as seen once, to send the second and later ones as words (the store interns those too). */
const SEEN_ONCE_LIMIT = 1 << 16;
/** Words at most: a trace of all-distinct payloads sends them as texts. */
const WORDS_LIMIT = 1 << 18;
/** Texts per event: args, result, label. */
const TEXTS = 3;
/** An absent number; no event's field is NaN. */
const NONE = NaN;

export interface PackedBatch {
  count: number;
  numbers: Float64Array;
  texts: (string | null)[];
  /** Dictionary entries first used in this batch, in order. */
  newWords: string[];
}

const KIND_IDS = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));

/** The worker's side: packs events, remembering the dictionary it has sent. */
export class BatchPacker {
  private readonly words = new Map<string, number>();
  private newWords: string[] = [];
  private seenOnce = new Set<string>();

  /**
   * Args that repeat (a guest's instructions) go as words: the writing thread then gets one string
   * object for all of them, whose hash V8 keeps, instead of a new string each time to hash again.
   */
  private argsWord(text: string | null): number {
    if (text === null) return NONE;
    const known = this.words.get(text);
    if (known !== undefined) return known;
    if (this.words.size >= WORDS_LIMIT) return NONE;
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= SEEN_ONCE_LIMIT) this.seenOnce = new Set();
      this.seenOnce.add(unshared(text));
      return NONE;
    }
    this.seenOnce.delete(text);
    return this.word(text);
  }

  private word(text: string | undefined): number {
    if (text === undefined) return NONE;
    let id = this.words.get(text);
    if (id === undefined) {
      const own = unshared(text);
      this.words.set(own, (id = this.words.size));
      this.newWords.push(own);
    }
    return id;
  }

  pack(events: readonly EncodedEvent[]): PackedBatch {
    const numbers = new Float64Array(events.length * NUMBERS);
    const texts = new Array<string | null>(events.length * TEXTS);
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
      numbers[n + 9] = this.word(e.srcFile);
      numbers[n + 10] = e.srcLine ?? NONE;
      const args = this.argsWord(e.argsText);
      numbers[n + 11] = args;
      const t = i * TEXTS;
      texts[t] = Number.isNaN(args) ? e.argsText : null;
      texts[t + 1] = e.resultText;
      texts[t + 2] = e.label ?? null;
    }
    const batch = { count: events.length, numbers, texts, newWords: this.newWords };
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
    for (let i = 0; i < batch.count; i++) {
      const n = i * NUMBERS;
      const t = i * TEXTS;
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
        argsText: word(numbers[n + 11]!) ?? texts[t]!,
        resultText: texts[t + 1]!,
        srcFile: word(numbers[n + 9]!),
        srcLine: number(numbers[n + 10]!),
        label: texts[t + 2] ?? undefined,
      });
    }
  }
}
