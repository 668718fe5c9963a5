// The one Client interface every component uses. Two implementations:
//   - HttpClient (this folder): Kubernetes' REST + watch wire format over HTTP(S);
//   - the apiserver's in-process client: the same registry code path (defaulting,
//     validation, admission, concurrency, watch) without sockets, for the simulation.
// Components only ever see `Client`, so they run unchanged on either.
//
// Errors are always `ApiError` (see ../errors.ts): test them with isNotFound & co.

import type { Status } from '../errors.ts';
import type { DeleteOptions, KubeList, KubeObject, PartialObjectMetadata, WatchEvent } from '../api/meta.ts';
import type { ResourceType } from '../api/resources.ts';

export interface NamespaceOption {
  /** required for namespaced resources, except list/watch across all namespaces */
  namespace?: string;
}

export interface GetOptions extends NamespaceOption {
  resourceVersion?: string;
}

export interface ListOptions extends NamespaceOption {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends NamespaceOption {
  labelSelector?: string;
  fieldSelector?: string;
  /** deliver changes after this resourceVersion; absent = start with ADDED for every current object */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  /** ask the server to send ADDED for existing objects then a bookmark (sendInitialEvents) */
  sendInitialEvents?: boolean;
}

export interface WriteOptions extends NamespaceOption {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** 'metadata': the write answers only the written object's metadata, as a
   *  PartialObjectMetadata (Kubernetes' `Accept: application/json;as=PartialObjectMetadata;
   *  g=meta.k8s.io;v=v1`), for a caller that reads nothing else of the answer (its
   *  resourceVersion, uid): less to encode, send and decode. For create, update and patch
   *  (subresources such as status too), whose promise then has that type; other calls
   *  ignore it. A Status answer stays a Status, as Kubernetes answers it. In process the
   *  metadata may be the deep-frozen one the write's watchers share (see 'shared').
   *  'shared': the whole object, for a caller that only reads it (and may send parts of
   *  it back in its next write): in process it may be the deep-frozen object the watchers
   *  of the write share, where a private copy would be made otherwise, and a later write
   *  that sends its unchanged parts back lets the apiserver borrow them instead of copying
   *  them. Over HTTP every answer is decoded afresh, so it changes nothing there. */
  answer?: 'metadata' | 'shared';
}

/** options that ask a create, update or patch to answer a PartialObjectMetadata */
export type MetadataAnswer = { answer: 'metadata' };

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** 'status' | 'scale' ... */
  subresource?: string;
  /** server-side apply: take ownership of conflicting fields */
  force?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: string;
}

export interface DeleteCallOptions extends NamespaceOption, Omit<DeleteOptions, 'dryRun' | 'kind' | 'apiVersion'> {
  dryRun?: boolean;
}

export interface LogOptions extends NamespaceOption {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
  signal?: AbortSignal;
}

/** What an implementation's create, update or patch resolves to for options of type O:
 *  the object, or its PartialObjectMetadata when O asks `answer: 'metadata'`. One generic
 *  signature with this type satisfies both of Client's signatures of the method:
 *    patch<T extends KubeObject, O extends PatchOptions>(…, opts: O): Promise<WriteAnswer<T, O>> */
export type WriteAnswer<T extends KubeObject, O> = O extends MetadataAnswer ? PartialObjectMetadata : T;

/** A running watch. Iterate it for events; `close()` stops it (iteration then ends).
 *  If the server answers 410 (the resourceVersion is too old), iteration yields an
 *  ERROR event carrying the 410 Status; the reflector relists. */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
}

export interface Client {
  get<T extends KubeObject>(type: ResourceType<T>, name: string, opts?: GetOptions): Promise<T>;
  list<T extends KubeObject>(type: ResourceType<T>, opts?: ListOptions): Promise<KubeList<T>>;
  watch<T extends KubeObject>(type: ResourceType<T>, opts?: WatchOptions): WatchStream<T>;
  // (each write has two signatures: with `answer: 'metadata'` it resolves to the
  // PartialObjectMetadata; implementations write one generic signature, see WriteAnswer)
  create<T extends KubeObject>(type: ResourceType<T>, obj: T, opts: WriteOptions & MetadataAnswer): Promise<PartialObjectMetadata>;
  create<T extends KubeObject>(type: ResourceType<T>, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT; with `subresource: 'status'` updates only the status */
  update<T extends KubeObject>(type: ResourceType<T>, obj: T, opts: UpdateOptions & MetadataAnswer): Promise<PartialObjectMetadata>;
  update<T extends KubeObject>(type: ResourceType<T>, obj: T, opts?: UpdateOptions): Promise<T>;
  patch<T extends KubeObject>(type: ResourceType<T>, name: string, patch: unknown, opts: PatchOptions & MetadataAnswer): Promise<PartialObjectMetadata>;
  patch<T extends KubeObject>(type: ResourceType<T>, name: string, patch: unknown, opts: PatchOptions): Promise<T>;
  /** returns the object (when deletion is graceful or blocked by finalizers) or a Success Status */
  delete<T extends KubeObject>(type: ResourceType<T>, name: string, opts?: DeleteCallOptions): Promise<T | Status>;
  deleteCollection<T extends KubeObject>(type: ResourceType<T>, opts?: ListOptions & { propagationPolicy?: DeleteOptions['propagationPolicy'] }): Promise<KubeList<T> | Status>;
  /** GET a subresource such as `scale` */
  getSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, opts?: NamespaceOption): Promise<R>;
  /** POST to a subresource such as `binding` or `eviction`; PUT for `scale` when `method` says so */
  createSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<R>;
  updateSubresource<R = unknown>(type: ResourceType, name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<R>;
  /** pods/log as text; with `follow`, an async iterable of chunks */
  logs(name: string, opts: LogOptions & { follow?: false }): Promise<string>;
  logStream(name: string, opts: LogOptions): AsyncIterable<string>;
}
