// The ordered set of keys the key index knows, for prefix ranges and pagination.
// A sorted list of sorted chunks (at most CHUNK keys each): insert and remove cost a
// binary search plus a small splice, so loading 100k keys in random order stays fast.
// Order is JavaScript string order (UTF-16 code units), the same as byte order for the
// ASCII keys Kubernetes writes. Invariant: no chunk is empty, chunks do not overlap.

const CHUNK = 512;

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `key`; a key already present is left alone. */
  insert(key: string): void {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      this.count++;
      return;
    }
    const last = chunks[chunks.length - 1]!;
    if (key > last[last.length - 1]!) {
      // Appending in order is the common case (names created in sequence).
      if (last.length >= CHUNK) chunks.push([key]);
      else last.push(key);
      this.count++;
      return;
    }
    const ci = this.chunkFor(key);
    const chunk = chunks[ci]!;
    const i = lowerBound(chunk, key);
    if (chunk[i] === key) return;
    chunk.splice(i, 0, key);
    this.count++;
    if (chunk.length > 2 * CHUNK) chunks.splice(ci, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  remove(key: string): void {
    if (this.chunks.length === 0) return;
    const ci = this.chunkFor(key);
    const chunk = this.chunks[ci]!;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
  }

  /** Keys >= `from` (or > `from` when `exclusive`), in order. Do not insert or remove while iterating. */
  *from(from: string, exclusive: boolean): Generator<string> {
    const chunks = this.chunks;
    if (chunks.length === 0) return;
    let ci = this.chunkFor(from);
    let i = exclusive ? upperBound(chunks[ci]!, from) : lowerBound(chunks[ci]!, from);
    for (; ci < chunks.length; ci++, i = 0) {
      const chunk = chunks[ci]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** The index of the first chunk whose last key is >= key (the last chunk if none). */
  private chunkFor(key: string): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid]!;
      if (c[c.length - 1]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(a: string[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: string[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
