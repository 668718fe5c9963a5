// FakeClient: an in-memory `Client` for testing informers and controllers without an
// apiserver. Objects live in a Map with one resourceVersion counter; every write is kept
// in a history so a watch can start from any resourceVersion not yet compacted.
// Faults on demand: disconnectWatches() ends every open watch, expireWatches() sends
// each an ERROR 410 and compacts history (so resuming needs a relist), failNext() makes
// the next call of a verb throw. Simplified: no defaulting, validation, finalizers or
// graceful deletion; field selectors are equality-based only; strategic merge = merge.
// Writes with `answer: 'metadata'` answer a PartialObjectMetadata, as the apiserver does.

import type { KubeList, KubeObject, WatchEvent, WatchEventType } from '../api/meta.ts';
import { apiVersionOf } from '../api/resources.ts';
import type { ResourceType } from '../api/resources.ts';
import type { Clock } from '../clock.ts';
import { formatTime } from '../clock.ts';
import { ApiError, alreadyExists, badRequest, conflict, expired, methodNotAllowed, notFound, successStatus } from '../errors.ts';
import type { Status } from '../errors.ts';
import type { Client, DeleteCallOptions, GetOptions, ListOptions, LogOptions, NamespaceOption, PatchOptions, UpdateOptions, WatchOptions, WatchStream, WriteAnswer, WriteOptions } from '../client/types.ts';
import { WatchChannel } from '../client/watch-channel.ts';
import { parseSelector } from '../meta/labels.ts';
import { deepFreeze } from '../informer/store.ts';

export type FakeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

interface HistoryEntry {
  rv: number;
  typeKey: string;
  type: WatchEventType;
  object: KubeObject;
  /** the object before the change (for selector transitions) */
  old: KubeObject | undefined;
}

interface Watcher {
  typeKey: string;
  opts: WatchOptions;
  channel: WatchChannel;
}

const clone = <T>(x: T): T => structuredClone(x);
const typeKeyOf = (t: ResourceType): string => `${t.group}/${t.resource}`;

/** a write's answer as its options ask: the object, or a PartialObjectMetadata of it; a
 *  'shared' answer deep-frozen, as the in-process apiserver may give it */
function answerAs<T extends KubeObject, O extends WriteOptions>(obj: KubeObject, opts: O): WriteAnswer<T, O> {
  if (opts.answer === 'shared') return deepFreeze(obj) as WriteAnswer<T, O>;
  return (opts.answer === 'metadata' ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata } : obj) as WriteAnswer<T, O>;
}

export class FakeClient implements Client {
  readonly #clock: Clock | undefined;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  #history: HistoryEntry[] = [];
  #rv = 0;
  #compactedRv = 0;
  #uid = 0;
  readonly #watchers = new Set<Watcher>();
  readonly #failures = new Map<FakeVerb, unknown[]>();
  /** how many times each verb was called */
  readonly calls: Record<FakeVerb, number> = { get: 0, list: 0, watch: 0, create: 0, update: 0, patch: 0, delete: 0 };

  constructor(opts: { clock?: Clock } = {}) {
    this.#clock = opts.clock;
  }

  // ---- fault injection and inspection ----

  /** the current resourceVersion of the whole store */
  resourceVersion(): string {
    return String(this.#rv);
  }

  openWatches(): number {
    return this.#watchers.size;
  }

  /** end every open watch, as a dropped connection or a server-side timeout would */
  disconnectWatches(): void {
    for (const w of [...this.#watchers]) {
      this.#watchers.delete(w);
      w.channel.end();
    }
  }

  /** forget history: a watch from a resourceVersion older than now gets 410 */
  compact(): void {
    this.#compactedRv = this.#rv;
    this.#history = [];
  }

  /** compact, then send every open watch an ERROR 410 and end it */
  expireWatches(): void {
    this.compact();
    for (const w of [...this.#watchers]) {
      this.#watchers.delete(w);
      w.channel.push({ type: 'ERROR', object: this.#goneStatus('0') as unknown as KubeObject });
      w.channel.end();
    }
  }

  /** make the next call of `verb` throw `err` */
  failNext(verb: FakeVerb, err: unknown): void {
    const list = this.#failures.get(verb) ?? [];
    list.push(err);
    this.#failures.set(verb, list);
  }

  /** send a BOOKMARK at the current resourceVersion to watches that allow bookmarks */
  sendBookmarks(): void {
    for (const w of this.#watchers) {
      if (!w.opts.allowWatchBookmarks) continue;
      w.channel.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.#rv) } } });
    }
  }

  /** every stored object of `type` (clones), sorted by namespace/name */
  snapshot<T extends KubeObject>(type: ResourceType<T>, namespace?: string): T[] {
    const all = [...(this.#objects.get(typeKeyOf(type))?.values() ?? [])];
    return all.filter((o) => namespace === undefined || o.metadata.namespace === namespace).map((o) => clone(o) as T);
  }

  // ---- Client ----

  async get<T extends KubeObject>(type: ResourceType<T>, name: string, opts: GetOptions = {}): Promise<T> {
    this.#enter('get');
    const obj = this.#bucket(type).get(this.#key(type, opts.namespace, name));
    if (!obj) throw notFound(type.resource, type.group, name);
    return clone(obj) as T;
  }

  async list<T extends KubeObject>(type: ResourceType<T>, opts: ListOptions = {}): Promise<KubeList<T>> {
    this.#enter('list');
    let after = '';
    let rv = this.#rv;
    if (opts.continue) {
      const token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8')) as { rv: number; key: string };
      if (token.rv < this.#compactedRv) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      after = token.key;
      rv = token.rv;
    }
    const keys = [...this.#bucket(type).keys()].sort();
    const items: T[] = [];
    let cont: string | undefined;
    for (const key of keys) {
      if (key <= after) continue;
      const obj = this.#bucket(type).get(key)!;
      if (!this.#matches(obj, opts)) continue;
      if (opts.limit && items.length >= opts.limit) {
        cont = Buffer.from(JSON.stringify({ rv, key: this.#key(type, items.at(-1)!.metadata.namespace, items.at(-1)!.metadata.name ?? '') })).toString('base64');
        break;
      }
      items.push(clone(obj) as T);
    }
    const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
    if (cont) metadata.continue = cont;
    return { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata, items };
  }

  watch<T extends KubeObject>(type: ResourceType<T>, opts: WatchOptions = {}): WatchStream<T> {
    const watcher: Watcher = { typeKey: typeKeyOf(type), opts, channel: new WatchChannel(() => this.#watchers.delete(watcher)) };
    const channel = watcher.channel as unknown as WatchChannel<T>;
    try {
      this.#enter('watch');
    } catch (err) {
      channel.fail(err);
      return channel;
    }
    const from = opts.resourceVersion;
    if (from === undefined || from === '' || from === '0') {
      for (const obj of this.snapshot(type)) if (this.#matches(obj, opts)) channel.push({ type: 'ADDED', object: obj });
    } else if (Number(from) < this.#compactedRv) {
      channel.push({ type: 'ERROR', object: this.#goneStatus(from) as unknown as T });
      channel.end();
      return channel;
    } else {
      for (const h of this.#history) if (h.rv > Number(from) && h.typeKey === watcher.typeKey) this.#deliver(watcher, h);
    }
    this.#watchers.add(watcher);
    return channel;
  }

  async create<T extends KubeObject, O extends WriteOptions = WriteOptions>(type: ResourceType<T>, obj: T, opts: O = {} as O): Promise<WriteAnswer<T, O>> {
    this.#enter('create');
    const o = clone(obj);
    const namespace = type.namespaced ? (opts.namespace ?? o.metadata.namespace) : undefined;
    if (type.namespaced && !namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${(++this.#uid).toString(36).padStart(5, 'x')}`;
    const name = o.metadata.name ?? '';
    if (!name) throw badRequest('name or generateName is required');
    const key = this.#key(type, namespace, name);
    if (this.#bucket(type).has(key)) throw alreadyExists(type.resource, type.group, name);
    o.apiVersion = apiVersionOf(type);
    o.kind = type.kind;
    if (namespace) o.metadata.namespace = namespace;
    o.metadata.uid = `fake-uid-${++this.#uid}`;
    o.metadata.creationTimestamp = formatTime(this.#clock?.now() ?? 0);
    o.metadata.generation = 1;
    if (opts.dryRun) return answerAs<T, O>(o, opts);
    return answerAs<T, O>(clone(this.#write(type, key, 'ADDED', o, undefined)), opts);
  }

  async update<T extends KubeObject, O extends UpdateOptions = UpdateOptions>(type: ResourceType<T>, obj: T, opts: O = {} as O): Promise<WriteAnswer<T, O>> {
    this.#enter('update');
    const name = obj.metadata.name ?? '';
    const key = this.#key(type, opts.namespace ?? obj.metadata.namespace, name);
    const old = this.#bucket(type).get(key);
    if (!old) throw notFound(type.resource, type.group, name);
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) {
      throw conflict(type.resource, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    let next = clone(obj) as KubeObject;
    if (opts.subresource === 'status') {
      next = { ...clone(old), status: clone((obj as KubeObject & { status?: unknown }).status) } as KubeObject;
    } else if (opts.subresource) {
      throw methodNotAllowed(`the fake client does not update ${type.resource}/${opts.subresource}`);
    } else {
      next.metadata = { ...next.metadata, uid: old.metadata.uid!, creationTimestamp: old.metadata.creationTimestamp! };
      if (JSON.stringify((next as { spec?: unknown }).spec) !== JSON.stringify((old as { spec?: unknown }).spec)) {
        next.metadata.generation = (old.metadata.generation ?? 1) + 1;
      } else if (old.metadata.generation !== undefined) next.metadata.generation = old.metadata.generation;
    }
    next.apiVersion = apiVersionOf(type);
    next.kind = type.kind;
    if (opts.dryRun) return answerAs<T, O>(next, opts);
    return answerAs<T, O>(clone(this.#write(type, key, 'MODIFIED', next, old)), opts);
  }

  async patch<T extends KubeObject, O extends PatchOptions = PatchOptions>(type: ResourceType<T>, name: string, patch: unknown, opts: O): Promise<WriteAnswer<T, O>> {
    this.#enter('patch');
    const key = this.#key(type, opts.namespace, name);
    const old = this.#bucket(type).get(key);
    if (!old) throw notFound(type.resource, type.group, name);
    if (opts.type === 'json') throw methodNotAllowed('the fake client supports merge patches only');
    const body = typeof patch === 'string' ? (JSON.parse(patch) as unknown) : patch;
    const merged = mergePatch(clone(old), body) as T;
    merged.metadata.resourceVersion = old.metadata.resourceVersion!;
    const upd: UpdateOptions = { ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) };
    if (opts.subresource) upd.subresource = opts.subresource;
    if (opts.dryRun) upd.dryRun = true;
    if (opts.answer) upd.answer = opts.answer;
    this.calls.update--;
    return this.update(type, merged, upd) as Promise<WriteAnswer<T, O>>;
  }

  async delete<T extends KubeObject>(type: ResourceType<T>, name: string, opts: DeleteCallOptions = {}): Promise<T | Status> {
    this.#enter('delete');
    const key = this.#key(type, opts.namespace, name);
    const old = this.#bucket(type).get(key);
    if (!old) throw notFound(type.resource, type.group, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== old.metadata.uid) {
      throw conflict(type.resource, type.group, name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (opts.dryRun) return clone(old) as T;
    const gone = clone(old);
    this.#write(type, key, 'DELETED', gone, old);
    return successStatus(200, { name, group: type.group, kind: type.resource, ...(old.metadata.uid ? { uid: old.metadata.uid } : {}) });
  }

  async deleteCollection<T extends KubeObject>(type: ResourceType<T>, opts: ListOptions = {}): Promise<KubeList<T> | Status> {
    const list = await this.list(type, opts);
    this.calls.list--;
    for (const o of list.items) await this.delete(type, o.metadata.name ?? '', o.metadata.namespace ? { namespace: o.metadata.namespace } : {});
    return list;
  }

  async getSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, _opts?: NamespaceOption): Promise<R> {
    throw methodNotAllowed(`the fake client does not serve ${type.resource}/${subresource} (${name})`);
  }

  async createSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, _body: unknown, _opts?: WriteOptions): Promise<R> {
    throw methodNotAllowed(`the fake client does not serve ${type.resource}/${subresource} (${name})`);
  }

  async updateSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, _body: unknown, _opts?: WriteOptions): Promise<R> {
    throw methodNotAllowed(`the fake client does not serve ${type.resource}/${subresource} (${name})`);
  }

  async logs(name: string, _opts: LogOptions & { follow?: false }): Promise<string> {
    throw methodNotAllowed(`the fake client has no logs (pod ${name})`);
  }

  async *logStream(name: string, _opts: LogOptions): AsyncIterable<string> {
    throw methodNotAllowed(`the fake client has no logs (pod ${name})`);
  }

  // ---- internals ----

  #enter(verb: FakeVerb): void {
    this.calls[verb]++;
    const queued = this.#failures.get(verb);
    if (queued && queued.length > 0) throw queued.shift();
  }

  #bucket(type: ResourceType): Map<string, KubeObject> {
    const k = typeKeyOf(type);
    let b = this.#objects.get(k);
    if (!b) this.#objects.set(k, (b = new Map()));
    return b;
  }

  #key(type: ResourceType, namespace: string | undefined, name: string): string {
    return type.namespaced ? `${namespace ?? ''}/${name}` : name;
  }

  #write(type: ResourceType, key: string, ev: WatchEventType, obj: KubeObject, old: KubeObject | undefined): KubeObject {
    const rv = ++this.#rv;
    obj.metadata.resourceVersion = String(rv);
    if (ev === 'DELETED') this.#bucket(type).delete(key);
    else this.#bucket(type).set(key, obj);
    const entry: HistoryEntry = { rv, typeKey: typeKeyOf(type), type: ev, object: clone(obj), old };
    this.#history.push(entry);
    for (const w of this.#watchers) if (w.typeKey === entry.typeKey) this.#deliver(w, entry);
    return obj;
  }

  /** send one change to one watcher, turning selector transitions into ADDED/DELETED */
  #deliver(w: Watcher, h: HistoryEntry): void {
    const now = this.#matches(h.object, w.opts);
    const before = h.old !== undefined && this.#matches(h.old, w.opts);
    let type: WatchEventType | undefined = h.type;
    if (h.type === 'MODIFIED') type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    else if (!now) type = undefined;
    if (type) w.channel.push({ type, object: clone(h.object) } as WatchEvent);
  }

  #matches(obj: KubeObject, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string }): boolean {
    if (opts.namespace !== undefined && obj.metadata.namespace !== opts.namespace) return false;
    if (opts.labelSelector && !parseSelector(opts.labelSelector).matches(obj.metadata.labels)) return false;
    if (opts.fieldSelector && !matchTerms(opts.fieldSelector, (path) => fieldValue(obj, path))) return false;
    return true;
  }

  #goneStatus(from: string): Status {
    const err = new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${from} (${this.#compactedRv})`,
      reason: 'Expired',
      code: 410,
    });
    return err.status;
  }
}

/** field selector terms `a=b,c!=d` against a lookup */
function matchTerms(selector: string, lookup: (key: string) => string | undefined): boolean {
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const ne = term.indexOf('!=');
    if (ne >= 0) {
      if (lookup(term.slice(0, ne).trim()) === term.slice(ne + 2).trim()) return false;
    } else if (term.includes('=')) {
      const [k, v] = term.split(/==?/, 2) as [string, string];
      if (lookup(k.trim()) !== v.trim()) return false;
    } else if (term.startsWith('!')) {
      if (lookup(term.slice(1)) !== undefined) return false;
    } else if (lookup(term) === undefined) return false;
  }
  return true;
}

function fieldValue(obj: KubeObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  // a field selector on an unset string field matches the empty string, as Kubernetes'
  return cur === undefined ? '' : String(cur);
}

/** RFC 7386 JSON merge patch */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
