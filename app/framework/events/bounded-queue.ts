/**
 * A fixed-capacity FIFO on a ring of slots: push refuses (returns false) when full, take removes
 * up to n items from the front. Nothing is allocated per push, nothing is shifted.
 *
 * Example: const q = new BoundedQueue<number>(2); q.push(1); q.push(2); q.push(3) -> false; q.take(10) -> [1, 2]
 */
export class BoundedQueue<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`queue capacity must be a whole number >= 1 (got ${capacity})`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(item: T): boolean {
    if (this.size === this.capacity) return false;
    this.slots[(this.head + this.size) % this.capacity] = item;
    this.size += 1;
    return true;
  }

  take(max: number): T[] {
    const n = Math.min(max, this.size);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i += 1) {
      out[i] = this.slots[this.head] as T;
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.size -= n;
    return out;
  }

  clear(): number {
    const n = this.size;
    this.take(n);
    return n;
  }
}
