// The shared `Client` interface served in process by the Registry: the same defaulting,
// validation, admission, concurrency and watch code as over HTTP, without sockets or
// JSON encoding of requests. The simulation kit runs every component on one of these.
// Writes without a fieldManager are recorded in managedFields under the name the
// component's binary would send as its User-Agent (kube-scheduler, kubelet, …).
//
//   const client = createInProcessClient(registry, { identity: 'system:kube-scheduler' });
//   const pods = await client.list(resources.pods, { namespace: 'default' });
//
// Objects handed out are private copies, except watch events': every in-process watcher of
// an event gets the same deep-frozen object (informers freeze what they cache anyway), so
// clone one before changing it. Events arrive through an unbounded-looking but capped
// queue: a consumer more than `maxPendingEvents` behind gets an ERROR 410 and the stream
// ends (the reflector relists), as a slow HTTP watcher would be cut off. A write with
// `answer: 'shared'` may resolve to the deep-frozen object the write's watchers share (no
// copy); sending its unchanged parts back in the next update lets that update borrow them
// from the stored state instead of copying them (see borrowing.ts). `answer: 'metadata'`
// resolves to a PartialObjectMetadata around the metadata of such a shared answer (frozen
// too; nothing more is copied).
import { apiVersionOf, failure, notFound } from '@kubesim/shared';
import type {
  Client,
  DeleteCallOptions,
  GetOptions,
  KubeList,
  KubeObject,
  ListOptions,
  LogOptions,
  NamespaceOption,
  PartialObjectMetadata,
  PatchOptions,
  ResourceType,
  Status,
  UpdateOptions,
  WatchEvent,
  WatchOptions,
  WatchStream,
  WriteAnswer,
  WriteOptions,
  DeleteOptions,
} from '@kubesim/shared';
import { ApiError } from '@kubesim/shared';
import type { DeleteOpts, Registry, UserInfo } from './registry.ts';
import type { WatchHandle } from './watch.ts';

export interface InProcessClientOptions {
  /** the user the requests run as: a name (`system:kube-scheduler`) or full user info */
  identity?: string | UserInfo;
  /** names the field manager of writes without a fieldManager (default: from the
   *  identity, as the component's binary would: kube-scheduler, kubelet, …) */
  userAgent?: string;
  maxPendingEvents?: number;
}

/** the User-Agent a Kubernetes component with this identity sends, up to its '/' */
function userAgentOf(user: UserInfo): string {
  const name = user.username;
  if (name.startsWith('system:node:')) return 'kubelet';
  if (name.startsWith('system:serviceaccount:')) return name.split(':')[3] ?? name;
  if (name === 'system:admin' || name === 'kubesim-admin') return 'kubesim';
  return name.startsWith('system:') ? name.slice('system:'.length) : name;
}

function userOf(identity: string | UserInfo | undefined): UserInfo {
  if (!identity) return { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
  if (typeof identity !== 'string') return identity;
  const groups = ['system:authenticated'];
  if (identity.startsWith('system:node:')) groups.unshift('system:nodes');
  return { username: identity, groups };
}

type Ctx = { user: UserInfo; userAgent: string; dryRun?: boolean; fieldManager?: string; fieldValidation?: 'Strict' | 'Warn' | 'Ignore'; namespace?: string; answerShared?: boolean };

function writeCtx(user: UserInfo, userAgent: string, opts: WriteOptions | undefined): Ctx {
  const ctx: Ctx = { user, userAgent };
  // (a metadata answer is made from the whole one: shared, its metadata is the watchers')
  if (opts?.answer === 'shared' || opts?.answer === 'metadata') ctx.answerShared = true;
  if (opts?.dryRun) ctx.dryRun = true;
  if (opts?.fieldManager) ctx.fieldManager = opts.fieldManager;
  if (opts?.fieldValidation) ctx.fieldValidation = opts.fieldValidation;
  if (opts?.namespace) ctx.namespace = opts.namespace;
  return ctx;
}

/** a write's answer as the options ask: the object, or a PartialObjectMetadata around its
 *  metadata (a 'metadata' write asks the registry for a shared answer: that metadata may be
 *  the watchers' own, frozen) */
function answerAs<T extends KubeObject, O extends WriteOptions | undefined>(answer: KubeObject, o: O): WriteAnswer<T, O> {
  if (o?.answer !== 'metadata') return answer as WriteAnswer<T, O>;
  const partial: PartialObjectMetadata = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: answer.metadata };
  return partial as WriteAnswer<T, O>;
}

class QueueWatch<T extends KubeObject> implements WatchStream<T> {
  private readonly queue: Array<WatchEvent<T> | ApiError | null> = [];
  private wake: (() => void) | undefined;
  private closed = false;
  handle: WatchHandle | undefined;

  constructor(private readonly max: number) {}

  push(item: WatchEvent<T> | ApiError | null): void {
    if (this.closed) return;
    if (item && !(item instanceof ApiError) && this.queue.length >= this.max) {
      this.handle?.stop();
      this.queue.push({ type: 'ERROR', object: failure(410, 'Expired', 'the watcher fell too far behind and was cut off').status as unknown as T });
      this.queue.push(null);
      this.closed = true;
    } else {
      this.queue.push(item);
      if (item === null) this.closed = true;
    }
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  close(): void {
    this.handle?.stop();
    this.closed = true;
    this.queue.push(null);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
      const item = this.queue.shift()!;
      if (item === null) return;
      if (item instanceof ApiError) throw item;
      yield item;
    }
  }
}

export function createInProcessClient(registry: Registry, opts: InProcessClientOptions = {}): Client {
  const user = userOf(opts.identity);
  const userAgent = opts.userAgent ?? userAgentOf(user);
  const maxPending = opts.maxPendingEvents ?? 100_000;

  const client: Client = {
    get<T extends KubeObject>(type: ResourceType<T>, name: string, o: GetOptions = {}): Promise<T> {
      const g: { namespace?: string; resourceVersion?: string } = {};
      if (o.namespace) g.namespace = o.namespace;
      if (o.resourceVersion) g.resourceVersion = o.resourceVersion;
      return registry.get<T>(type, name, g);
    },
    list<T extends KubeObject>(type: ResourceType<T>, o: ListOptions = {}): Promise<KubeList<T>> {
      return registry.list<T>(type, o);
    },
    watch<T extends KubeObject>(type: ResourceType<T>, o: WatchOptions = {}): WatchStream<T> {
      const stream = new QueueWatch<T>(maxPending);
      registry
        .watch(type, o, {
          send: (t, obj) => stream.push({ type: t, object: obj.shared() as T }),
          bookmark: (rev, end) => {
            const metadata: KubeObject['metadata'] = { resourceVersion: String(rev) };
            if (end) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
            stream.push({ type: 'BOOKMARK', object: { apiVersion: apiVersionOf(type), kind: type.kind, metadata } as T });
          },
          error: (err) => {
            stream.push({ type: 'ERROR', object: err.status as unknown as T });
            stream.push(null);
          },
          end: () => stream.push(null),
        })
        .then((h) => {
          stream.handle = h;
        })
        .catch((err: unknown) => {
          stream.push(err instanceof ApiError ? err : failure(500, 'InternalError', String(err)));
        });
      return stream;
    },
    create<T extends KubeObject, O extends WriteOptions | undefined = WriteOptions>(type: ResourceType<T>, obj: T, o?: O): Promise<WriteAnswer<T, O>> {
      const created = registry.create<T>(type, obj, writeCtx(user, userAgent, o));
      // (the registry's own promise when the object is the answer: no extra turn)
      return o?.answer === 'metadata' ? created.then((c) => answerAs<T, O>(c, o)) : (created as Promise<WriteAnswer<T, O>>);
    },
    async update<T extends KubeObject, O extends UpdateOptions = UpdateOptions>(type: ResourceType<T>, obj: T, o: O = {} as O): Promise<WriteAnswer<T, O>> {
      const ctx = { ...writeCtx(user, userAgent, o), ...(o.subresource ? { subresource: o.subresource } : {}) };
      return answerAs<T, O>((await registry.update(type, obj, ctx)).object, o);
    },
    async patch<T extends KubeObject, O extends PatchOptions = PatchOptions>(type: ResourceType<T>, name: string, patch: unknown, o: O): Promise<WriteAnswer<T, O>> {
      const ctx = { ...writeCtx(user, userAgent, o), type: o.type, ...(o.subresource ? { subresource: o.subresource } : {}), ...(o.force !== undefined ? { force: o.force } : {}) };
      return answerAs<T, O>((await registry.patch(type, name, patch, ctx)).object, o);
    },
    async delete<T extends KubeObject>(type: ResourceType<T>, name: string, o: DeleteCallOptions = {}): Promise<T | Status> {
      const { dryRun, namespace, ...rest } = o;
      const d: DeleteOpts & { namespace?: string; dryRun?: boolean; user: UserInfo } = { ...rest, user };
      if (namespace) d.namespace = namespace;
      if (dryRun) d.dryRun = true;
      return (await registry.delete(type, name, d)).object as T;
    },
    async deleteCollection<T extends KubeObject>(type: ResourceType<T>, o: ListOptions & { propagationPolicy?: DeleteOptions['propagationPolicy'] } = {}): Promise<KubeList<T> | Status> {
      const { propagationPolicy, ...listOpts } = o;
      const d: DeleteOpts & { user: UserInfo } = { user };
      if (propagationPolicy) d.propagationPolicy = propagationPolicy;
      const r = await registry.deleteCollection(type, listOpts, d);
      return { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion: String(r.revision) }, items: r.items as T[] };
    },
    async getSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, o: NamespaceOption = {}): Promise<R> {
      if (subresource === 'status') return (await registry.get(type, name, o.namespace ? { namespace: o.namespace } : {})) as R;
      const h = registry.subresourceHandler(type, subresource);
      if (!h?.get) throw notFound(`${type.resource}/${subresource}`, type.group, name);
      return (await h.get({ type, namespace: o.namespace, name, subresource, query: {}, user })) as R;
    },
    async createSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, body: unknown, o?: WriteOptions): Promise<R> {
      const h = registry.subresourceHandler(type, subresource);
      if (!h?.create) throw notFound(`${type.resource}/${subresource}`, type.group, name);
      const req = { type, namespace: o?.namespace, name, subresource, body, query: {}, user, userAgent, ...(o?.dryRun ? { dryRun: true } : {}), ...(o?.fieldManager ? { fieldManager: o.fieldManager } : {}) };
      return (await h.create(req)).body as R;
    },
    async updateSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, body: unknown, o?: WriteOptions): Promise<R> {
      if (subresource === 'status' || subresource === 'finalize') {
        return (await registry.update(type, body, { ...writeCtx(user, userAgent, o), subresource, name })).object as R;
      }
      const h = registry.subresourceHandler(type, subresource);
      if (!h?.update) throw notFound(`${type.resource}/${subresource}`, type.group, name);
      const req = { type, namespace: o?.namespace, name, subresource, body, query: {}, user, userAgent, ...(o?.dryRun ? { dryRun: true } : {}), ...(o?.fieldManager ? { fieldManager: o.fieldManager } : {}) };
      return (await h.update(req)) as R;
    },
    async logs(name: string, o: LogOptions & { follow?: false }): Promise<string> {
      let text = '';
      for await (const chunk of client.logStream(name, o)) text += chunk;
      return text;
    },
    logStream(name: string, o: LogOptions): AsyncIterable<string> {
      return {
        async *[Symbol.asyncIterator]() {
          const { resources } = await import('@kubesim/shared');
          const h = registry.subresourceHandler(resources.pods, 'log');
          if (!h?.get) throw notFound('pods/log', '', name);
          const query: Record<string, string> = {};
          for (const [k, v] of Object.entries(o)) if (k !== 'namespace' && k !== 'signal' && v !== undefined) query[k] = String(v);
          const out = await h.get({ type: resources.pods, namespace: o.namespace, name, subresource: 'log', query, user });
          if (typeof out === 'string') yield out;
          else if (out && typeof (out as AsyncIterable<string>)[Symbol.asyncIterator] === 'function') {
            for await (const c of out as AsyncIterable<string>) {
              if (o.signal?.aborted) return;
              yield c;
            }
          }
        },
      };
    },
  };
  return client;
}
