// Group commit: concurrent writers share one disk write. While a batch is being written
// (and fsynced), newly submitted items queue up; when it completes, everything queued
// goes out as the next single batch. One writer alone pays one write per item; N
// concurrent writers pay about one write per N items. Items are written, and their
// promises settle, strictly in submission order.

export interface GroupCommitOptions<T> {
  /** most items in one group (default 1024) */
  maxItems?: number;
  /** most total weight in one group, e.g. bytes (default 16 MiB); one heavy item still goes alone */
  maxWeight?: number;
  weigh?: (item: T) => number;
  /**
   * Runs between groups so that writers woken by the last group (whose next writes are a
   * few promise hops away) join the next group instead of starting a group of one. The
   * level backend passes setImmediate; the default is a resolved promise.
   */
  yieldTurn?: () => Promise<void>;
}

interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter<T> {
  private queue: Queued<T>[] = [];
  private writing = false;
  private readonly maxItems: number;
  private readonly maxWeight: number;
  private readonly weigh: (item: T) => number;
  private readonly yieldTurn: () => Promise<void>;

  /** `write` persists a group atomically. */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    opts: GroupCommitOptions<T> = {},
  ) {
    this.maxItems = opts.maxItems ?? 1024;
    this.maxWeight = opts.maxWeight ?? 16 << 20;
    this.weigh = opts.weigh ?? (() => 0);
    this.yieldTurn = opts.yieldTurn ?? (() => Promise.resolve());
  }

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.nextGroup();
      try {
        await this.write(group.map((g) => g.item));
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
      await this.yieldTurn();
    }
    this.writing = false;
  }

  private nextGroup(): Queued<T>[] {
    let n = 0;
    let weight = 0;
    while (n < this.queue.length && n < this.maxItems) {
      weight += this.weigh(this.queue[n]!.item);
      if (n > 0 && weight > this.maxWeight) break;
      n++;
    }
    return this.queue.splice(0, n);
  }
}
