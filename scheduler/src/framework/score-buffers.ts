// ScoreBuffers: recycled memory for a scheduling cycle's scores. Each cycle scores a few
// hundred nodes with every plugin (raw and normalized numbers per plugin, plus totals);
// a fresh Float64Array per cycle is memory outside the JS heap that only a garbage
// collection gives back. `take(length)` hands out a zeroed Float64Array of that length;
// whoever last holds it (the explanation store, or the scheduler when it keeps no
// explanations) gives it back with `give(view)` once nothing reads it any more. A
// buffer never given back is simply garbage-collected. (kubesim only; Kubernetes' Go
// scheduler keeps its score lists in ordinary slices.)

export class ScoreBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** @param keep how many idle buffers to hold on to */
  constructor(private readonly keep = 8) {}

  take(length: number): Float64Array {
    const bytes = length * Float64Array.BYTES_PER_ELEMENT;
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i]!;
      if (b.byteLength < bytes) continue;
      this.free[i] = this.free[this.free.length - 1]!;
      this.free.pop();
      return new Float64Array(b, 0, length).fill(0);
    }
    this.free.length = 0; // all too small for the cluster as it is now
    return new Float64Array(length);
  }

  /** give back the memory under `view` (any view of a buffer from take()); the caller
   *  and everyone it shared the view with must not read it afterwards */
  give(view: Float64Array): void {
    const b = view.buffer;
    if (!(b instanceof ArrayBuffer) || this.free.length >= this.keep || this.free.includes(b)) return;
    this.free.push(b);
  }

  /** idle buffers (tests) */
  get idle(): number {
    return this.free.length;
  }
}
