// One stored object as the apiserver serves it. Values are kept in the store without
// `metadata.resourceVersion` (the store's modRevision is the resourceVersion) and with
// apiVersion, kind, metadata as their first keys, so the served JSON is made by splicing
// `"resourceVersion":"<rev>"` in after `"metadata":{` - no parse on the hot paths (list,
// get, watch fan-out). The parsed object is made lazily, once, and must not be mutated:
// callers that hand it out clone it first (`toObject()`); label selectors read `labels`
// without it (stored-labels.ts). A write remembers the JSON it stored for the object it
// returns (`rememberJson`), so its HTTP answer is not re-encoded.
import type { KubeObject } from '@kubesim/shared';
import { NOT_SCANNED, scanStoredLabels } from './stored-labels.ts';

const META = '"metadata":{';

export class CachedObject {
  private jsonText: string | undefined;
  private parsed: KubeObject | undefined;
  private scannedLabels: Record<string, string> | undefined | typeof NOT_SCANNED = NOT_SCANNED;

  constructor(
    readonly key: string,
    /** the resourceVersion: the revision that wrote (or, for a deletion event, deleted) it */
    readonly modRevision: number,
    readonly createRevision: number,
    /** the stored value (no resourceVersion inside) */
    readonly value: string,
  ) {}

  /** the object JSON with its resourceVersion */
  get json(): string {
    if (this.jsonText === undefined) this.jsonText = withResourceVersion(this.value, this.modRevision);
    return this.jsonText;
  }

  /** the parsed object, shared: never mutate it */
  get obj(): KubeObject {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json) as KubeObject;
    return this.parsed;
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

  /** a private copy the caller may change */
  toObject<T extends KubeObject = KubeObject>(): T {
    return JSON.parse(this.json) as T;
  }

  /** the same stored state seen at another revision (a deletion event's object) */
  at(revision: number): CachedObject {
    return new CachedObject(this.key, revision, this.createRevision, this.value);
  }
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
  if (inStoredOrder(obj)) return JSON.stringify(obj);
  const { apiVersion, kind, metadata, ...rest } = obj as KubeObject & Record<string, unknown>;
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  void _rv;
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
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

/** the JSON a write already made of an object it returns (stored value + resourceVersion),
 *  so the HTTP answer needs no second JSON.stringify; forgotten with the object */
const served = new WeakMap<object, string>();

export function rememberJson(obj: KubeObject, json: string): void {
  served.set(obj, json);
}

/** the remembered JSON of an object a write returned (valid while nobody changed it) */
export function rememberedJson(obj: object): string | undefined {
  return served.get(obj);
}
