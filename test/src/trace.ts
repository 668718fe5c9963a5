// The simulation's trace: every API write a component made and every watch event it was
// delivered, stamped with virtual time. Same seed + same inputs ⇒ the same trace, byte
// for byte (toText()), which is how a failing run is shown to replay exactly.

export type TraceOp = 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'subresource' | 'watch';

export interface TraceEntry {
  /** virtual time, ms since the simulation's epoch */
  t: number;
  component: string;
  op: TraceOp;
  resource: string;
  namespace?: string;
  name?: string;
  /** for op 'watch': ADDED, MODIFIED, DELETED, BOOKMARK, ERROR; for subresource: its name */
  detail?: string;
  resourceVersion?: string;
  /** absent on success; the Status reason on failure */
  error?: string;
}

export class Trace {
  readonly entries: TraceEntry[] = [];
  constructor(
    private readonly level: 'all' | 'writes' | 'none',
    private readonly epoch: number,
  ) {}

  /** whether an entry of this op would be kept (callers skip building the ones that would not) */
  keeps(op: TraceOp): boolean {
    return this.level === 'all' || (this.level === 'writes' && op !== 'watch');
  }

  record(e: Omit<TraceEntry, 't'> & { t: number }): void {
    if (!this.keeps(e.op)) return;
    this.entries.push({ ...e, t: e.t - this.epoch });
  }

  /** record an entry made for this trace alone (its `t` virtual epoch ms): taken as it is,
   *  with `t` made relative to the trace's epoch, without a copy */
  add(e: TraceEntry): void {
    if (!this.keeps(e.op)) return;
    e.t -= this.epoch;
    this.entries.push(e);
  }

  /** one line per entry, stable across runs with the same seed */
  toText(): string {
    return this.entries
      .map((e) => {
        const obj = `${e.resource}/${e.namespace ? `${e.namespace}/` : ''}${e.name ?? ''}`;
        return `${(e.t / 1000).toFixed(3)}s ${e.component} ${e.op}${e.detail ? `:${e.detail}` : ''} ${obj}${e.resourceVersion ? ` rv=${e.resourceVersion}` : ''}${e.error ? ` error=${e.error}` : ''}`;
      })
      .join('\n');
  }

  writes(): TraceEntry[] {
    return this.entries.filter((e) => e.op !== 'watch');
  }
}
