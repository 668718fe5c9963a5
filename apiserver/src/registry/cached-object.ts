// One stored object as the apiserver serves it: the stored value (no resourceVersion inside;
// apiVersion, kind, metadata first, so the served JSON splices `"resourceVersion":"<rev>"` in
// after `"metadata":{` without parsing) and, made once, the parsed object, never mutated:
// `toObject()` copies it, in-process watchers share it frozen (`shared()`), a write may hand
// it over ahead of its event (`adopt`), the watch cache drops it when the state is replaced
// (`release()`), and forgets it when the state was written long ago (`forgetParsed()`).
// Label selectors read `labels` from the text (stored-labels.ts).
import { deepFreeze } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { clone } from './objects.ts';
import { NOT_SCANNED, scanStoredLabels } from './stored-labels.ts';

const META = '"metadata":{';

export class CachedObject {
  private parsed: KubeObject | undefined;
  private superseded = false;
  private adoptedWellTyped = false;
  private scannedLabels: Record<string, string> | undefined | typeof NOT_SCANNED = NOT_SCANNED;

  constructor(
    readonly key: string,
    /** the resourceVersion: the revision that wrote (or, for a deletion event, deleted) it */
    readonly modRevision: number,
    readonly createRevision: number,
    /** the stored value (no resourceVersion inside) */
    readonly value: string,
  ) {}

  /** the object JSON with its resourceVersion, spliced together at each call: not kept, so
   *  that an object costs the apiserver's memory its stored value only (a watch event's
   *  encoding is made once per event anyway, a GET's splice is cheaper than its write) */
  get json(): string {
    return withResourceVersion(this.value, this.modRevision);
  }

  /** the parsed object, shared: never mutate it */
  get obj(): KubeObject {
    if (this.parsed !== undefined) return this.parsed;
    const parsed = JSON.parse(this.json) as KubeObject;
    // a replaced state lives on only in the watch history: it keeps no parsed copy
    if (!this.superseded) this.parsed = parsed;
    return parsed;
  }

  /** metadata.labels, shared: never mutate them. Read from the stored text when the object
   *  was not parsed (label selectors need nothing else). */
  get labels(): Record<string, string> | undefined {
    if (this.parsed !== undefined) return this.parsed.metadata?.labels;
    if (this.scannedLabels === NOT_SCANNED) {
      const scanned = scanStoredLabels(this.value);
      if (scanned === NOT_SCANNED) return this.obj.metadata?.labels;
      this.scannedLabels = scanned;
    }
    return this.scannedLabels;
  }

  /** the parsed object deep-frozen, shared by every in-process watcher of this state (and
   *  the same object as `obj` from now on) */
  shared(): KubeObject {
    return deepFreeze(this.obj);
  }

  /** whether the parsed object was made (by a watcher or a filter) */
  get isParsed(): boolean {
    return this.parsed !== undefined;
  }

  /**
   * Take `parsed` as the parsed object: what parsing the stored value gives without the
   * resourceVersion (see storedForm), made by the write that stored it from the object it
   * wrote, which is cheaper than parsing. Only for a value whose resourceVersion is spliced
   * into its own metadata (splicesIntoOwnMetadata): it goes first there, as in the JSON.
   */
  adopt(parsed: KubeObject, wellTyped = false): void {
    leadWithResourceVersion(parsed, this.modRevision);
    this.parsed = parsed;
    this.adoptedWellTyped = wellTyped;
  }

  /**
   * Whether the parsed object (`obj`) is one the write that stored this state found
   * well-typed and handed over (adopt): it passed the kind's schema there (setDefaults found
   * it so, and only well-typed values were set since: defaults, managedFields, admission), so
   * the next update's validation need not check the old object's types again. False for an
   * object parsed from the value. (A flag here, where a WeakSet of such objects was before:
   * the same answer, without a weak entry per write.)
   */
  get wellTyped(): boolean {
    return this.adoptedWellTyped;
  }

  /** a newer state replaced this one: forget the parsed object (made again when asked) */
  release(): void {
    this.parsed = undefined;
    this.adoptedWellTyped = false;
    this.superseded = true;
  }

  /** the state is still current but was written long ago: forget the parsed object (made
   *  again when asked), so that only recently written states cost their parsed form */
  forgetParsed(): void {
    this.parsed = undefined;
    this.adoptedWellTyped = false;
  }

  /** a private copy the caller may change */
  toObject<T extends KubeObject = KubeObject>(): T {
    return (this.parsed !== undefined ? clone(this.parsed) : JSON.parse(this.json)) as T;
  }

  /** the same stored state seen at another revision (a deletion event's object) */
  at(revision: number): CachedObject {
    return new CachedObject(this.key, revision, this.createRevision, this.value);
  }
}

/** give `obj` a metadata whose first member is its resourceVersion `rev`, as parsing its
 *  served JSON would: a new metadata object, unless it is so already (a write that answered
 *  with the object it handed to the watch cache set it before the cache adopted it) */
export function leadWithResourceVersion(obj: KubeObject, rev: number): void {
  const rv = String(rev);
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (meta !== undefined) {
    for (const k in meta) {
      if (k === 'resourceVersion' && meta[k] === rv) return;
      break;
    }
  }
  // (a member-by-member copy: a spread after a first member takes V8's slow path)
  const out: Record<string, unknown> = { resourceVersion: rv };
  if (meta !== undefined) {
    for (const k in meta) {
      if (!Object.hasOwn(meta, k)) continue;
      if (k === '__proto__') return void (obj.metadata = { resourceVersion: rv, ...obj.metadata });
      if (k !== 'resourceVersion') out[k] = meta[k];
    }
  }
  obj.metadata = out as KubeObject['metadata'];
}

/**
 * The answer to a caller that only reads it (`answerShared`), when the write handed `obj`
 * to the watch cache: `obj` itself with its resourceVersion set as the cache sets it when it
 * adopts the object (which may not have happened yet, and then finds it set), deep-frozen
 * as the watchers will have it. A copy when the cache gave it to the event of an earlier
 * write of the same value already, with that write's resourceVersion.
 */
export function sharedAnswer(obj: KubeObject, rev: number): KubeObject {
  const stamped = obj.metadata.resourceVersion;
  if (stamped !== undefined && stamped !== String(rev)) {
    const copy = clone(obj);
    copy.metadata.resourceVersion = String(rev);
    return copy;
  }
  leadWithResourceVersion(obj, rev);
  return deepFreeze(obj);
}

export function withResourceVersion(value: string, rev: number): string {
  const i = value.indexOf(META);
  if (i < 0 || i > 400) {
    const o = JSON.parse(value) as KubeObject;
    o.metadata = { ...(o.metadata ?? {}), resourceVersion: String(rev) };
    return JSON.stringify(o);
  }
  const at = i + META.length;
  const sep = value[at] === '}' ? '' : ',';
  return `${value.slice(0, at)}"resourceVersion":"${rev}"${sep}${value.slice(at)}`;
}

/** the canonical stored form: apiVersion, kind, metadata (minus resourceVersion) first */
export function toStoredValue(obj: KubeObject): string {
  return JSON.stringify(storedForm(obj));
}

/** `obj` in the stored form's order (itself when it is in that order already): what
 *  toStoredValue encodes, and what parsing the stored value gives back (as clone() of it) */
export function storedForm(obj: KubeObject): KubeObject {
  if (inStoredOrder(obj)) return obj;
  const { apiVersion, kind, metadata, ...rest } = obj as KubeObject & Record<string, unknown>;
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  void _rv;
  return { apiVersion, kind, metadata: meta, ...rest } as KubeObject;
}

/** whether withResourceVersion splices the resourceVersion into `value`, the stored
 *  value of `obj`, as the first member of `obj`'s own metadata: `value` starts with
 *  apiVersion and kind (strings) and metadata (otherwise it may splice elsewhere, or
 *  re-encode the object) */
export function splicesIntoOwnMetadata(obj: KubeObject, value: string): boolean {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return false;
  const head = storedHead(obj.apiVersion, obj.kind);
  return head.length - META.length <= 400 && value.startsWith(head);
}

/** `{"apiVersion":…,"kind":…,"metadata":{`, made once per apiVersion and kind (a bounded
 *  number of them are remembered: the served kinds, and a few others) */
const heads = new Map<string, Map<string, string>>();

function storedHead(apiVersion: string, kind: string): string {
  let byKind = heads.get(apiVersion);
  let head = byKind?.get(kind);
  if (head !== undefined) return head;
  head = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},${META}`;
  if (heads.size < 256 && (byKind?.size ?? 0) < 256) {
    if (byKind === undefined) heads.set(apiVersion, (byKind = new Map()));
    byKind.set(kind, head);
  }
  return head;
}

/** true when `obj` already has the stored form's key order and no resourceVersion (most
 *  writes: clients send apiVersion, kind, metadata first), so it can be encoded as it is */
function inStoredOrder(obj: KubeObject): boolean {
  let i = 0;
  for (const k in obj) {
    if (k !== (i === 0 ? 'apiVersion' : i === 1 ? 'kind' : 'metadata')) return false;
    if (++i === 3) break;
  }
  const meta = obj.metadata as unknown;
  return i === 3 && meta !== null && typeof meta === 'object' && !Array.isArray(meta) && (meta as { resourceVersion?: unknown }).resourceVersion === undefined;
}

/** what a write stored of an object it returns (stored value and revision), so the HTTP
 *  answer needs no second JSON.stringify; the JSON is spliced together only when asked.
 *  Remembered only by writes whose context says the answer is sent (answerServedOnly: the
 *  HTTP handlers); in-process callers never ask, and skip the weak entry. Forgotten with
 *  the object */
const served = new WeakMap<object, { value: string; revision: number }>();

export function rememberJson(obj: KubeObject, value: string, revision: number): void {
  served.set(obj, { value, revision });
}

/** the remembered JSON of an object a write returned (valid while nobody changed it) */
export function rememberedJson(obj: object): string | undefined {
  const stored = served.get(obj);
  return stored === undefined ? undefined : withResourceVersion(stored.value, stored.revision);
}

/** the revision a write that returned `obj` stored it at, when it remembered its JSON */
export function rememberedRevision(obj: object): number | undefined {
  return served.get(obj)?.revision;
}
