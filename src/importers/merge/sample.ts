// A bounded sample of a long sequence: its first `size` items and its last `size` items, plus how
// many there were. The clock fit reads the head and the tail of each thread's KVM_RUN calls and
// exits (the tail to see drift), so memory stays the same however long the recording is.

export class HeadTail<T> {
  readonly head: T[] = [];
  private readonly ring: T[] = [];
  private next = 0;
  count = 0;

  constructor(private readonly size: number) {}

  push(item: T): void {
    this.count++;
    if (this.head.length < this.size) {
      this.head.push(item);
      return;
    }
    if (this.ring.length < this.size) this.ring.push(item);
    else this.ring[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }

  /** The last items in order, those not already in the head; empty while everything fits the head. */
  get tail(): T[] {
    if (this.ring.length < this.size) return this.ring.slice();
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Index (in the whole sequence) of the first tail item. */
  get tailStart(): number {
    return this.count - this.tail.length;
  }
}
