// A first-in first-out queue that stays cheap when long (10,000 waiting pods or callers):
// `shift` moves an index instead of copying the rest of the array, as Array#shift does, and
// the spent front is cut off once it is over half of the array. Slots are cleared as they
// are taken, so the queue never holds on to what it handed out.
//   const q = new Fifo<string>(); q.push('a'); q.peek(); q.shift(); q.length;

export class Fifo<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** the oldest item, left in place; undefined when empty */
  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** the oldest item, taken out; undefined when empty */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
