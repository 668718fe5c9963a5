// The store's contract: an etcd v3-like multi-version key-value store.
//
// Every committed write transaction increments one cluster-wide `revision`. Each key
// remembers the revision that created it (`createRevision`), last changed it
// (`modRevision`) and how many times it was written since creation (`version`; a
// delete resets the key's life, the next put starts again at version 1).
// Reads can be served "at" an older revision until that revision is compacted away.
// Watches deliver every change after a given revision, in order, with no gaps.
//
// Values are strings (JSON text for the apiserver). Binary callers encode as base64.
// Implementations live beside this file (memory, level); all pass one conformance suite.

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** lease id the key is attached to, 0 when none */
  readonly lease: number;
}

export interface GetOptions {
  /** read as of this revision (must not be compacted, must not be in the future) */
  revision?: number;
}

export interface GetResult {
  kv: KeyValue | undefined;
  /** the revision the read was served at */
  revision: number;
}

export interface RangeOptions {
  /** at most this many keys; 0 or absent means no limit */
  limit?: number;
  /** only keys strictly greater than this one (for pagination) */
  startAfter?: string;
  revision?: number;
  /** only count, do not return values */
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** the revision the read was served at: pass it back to continue a consistent snapshot */
  revision: number;
  /** true when more keys exist after the last one returned */
  more: boolean;
  /** total number of keys under the prefix at that revision (after `startAfter` when given,
   *  as etcd counts its range): `count - kvs.length` keys remain after this page */
  count: number;
}

/** All given fields must equal the key's current state for the compare to hold.
 *  A missing key has modRevision 0, version 0, createRevision 0, exists false. */
export interface Compare {
  key: string;
  modRevision?: number;
  version?: number;
  createRevision?: number;
  exists?: boolean;
}

export type TxnOp =
  | { type: 'put'; key: string; value: string; lease?: number }
  | { type: 'delete'; key: string }
  | { type: 'get'; key: string };

export type TxnOpResult =
  | { type: 'put'; prev: KeyValue | undefined }
  | { type: 'delete'; prev: KeyValue | undefined; deleted: boolean }
  | { type: 'get'; kv: KeyValue | undefined };

export interface TxnRequest {
  compare: Compare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

export interface TxnResult {
  succeeded: boolean;
  /** the store revision after the txn (unchanged when it wrote nothing) */
  revision: number;
  results: TxnOpResult[];
}

export interface PutResult {
  revision: number;
  prev: KeyValue | undefined;
}

export interface DeleteResult {
  revision: number;
  deleted: boolean;
  prev: KeyValue | undefined;
}

export type WatchEventType = 'put' | 'delete';

/** For a delete, `kv` has the key, an empty value, and modRevision = the deletion revision. */
export interface WatchEvent {
  type: WatchEventType;
  kv: KeyValue;
  prevKv: KeyValue | undefined;
}

export interface WatchOptions {
  /** deliver every event with revision > fromRevision; 0 means "from now" */
  fromRevision: number;
  signal?: AbortSignal;
}

/** An async iterable of events; iteration throws `CompactedError` when the watcher
 *  started from (or fell behind into) compacted history. `close()` ends iteration. */
export interface Watcher extends AsyncIterable<WatchEvent> {
  close(): void;
}

export interface Lease {
  id: number;
  ttlSeconds: number;
  /** clock time (ms) at which the lease expires unless kept alive */
  expiresAt: number;
}

export interface KV {
  /** the current (latest committed) revision */
  currentRevision(): number;
  /** the oldest revision still readable */
  compactedRevision(): number;
  get(key: string, opts?: GetOptions): Promise<GetResult>;
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  put(key: string, value: string, opts?: { lease?: number }): Promise<PutResult>;
  delete(key: string): Promise<DeleteResult>;
  txn(req: TxnRequest): Promise<TxnResult>;
  watch(prefix: string, opts: WatchOptions): Watcher;
  /** drop history before `revision` (reads at older revisions fail with CompactedError) */
  compact(revision: number): Promise<void>;
  grantLease(ttlSeconds: number): Promise<Lease>;
  keepAliveLease(id: number): Promise<Lease>;
  revokeLease(id: number): Promise<void>;
  close(): Promise<void>;
}
