// The REST handler for every resource path under /api and /apis: resolve the URL to a
// resource (request-info.ts), authorize, decode the body, call the Registry, encode the
// answer. Lists and gets are written from the registry's stored JSON without re-encoding.
//   GET    collection → list (or watch with ?watch=true)   GET    object → get
//   POST   collection → create                              PUT    object → update
//   PATCH  object     → patch by Content-Type               DELETE object → delete
//   DELETE collection → deletecollection
//   /status, /finalize and pods/binding here, reviews (whoami, can-i) in ./reviews.ts, other
//   subresources through the registry's subresource table (scale, eviction, log). A DELETE
//   answers a Status or the object (./delete-answer.ts). Write warnings (unknown fields
//   under fieldValidation=Warn) go out as `Warning` headers. Parameters: ./params.ts.
//   Gets, lists and writes (POST, PUT, PATCH, subresources too) answer a PartialObjectMetadata
//   when the Accept header asks `as=PartialObjectMetadata` (negotiate.ts); a Status answer
//   (a binding, an eviction) stays a Status, as in Kubernetes.
import { Readable } from 'node:stream';
import { apiVersionOf, failure, methodNotAllowed, notFound, routeNotFound } from '@kubesim/shared';
import type { KubeObject, ResourceType } from '@kubesim/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizationAttributes, AuthorizationDecision, Authorizer } from '../auth/authorizer.ts';
import { denied } from '../auth/authorizer.ts';
import type { ListResult, Registry, SubresourceRequest, UserInfo } from '../registry/registry.ts';
import { rememberedJson, rememberedRevision } from '../registry/cached-object.ts';
import { decodeObjectBody, decodePatchBody } from './body.ts';
import { deleteAnswer } from './delete-answer.ts';
import { boolParam, deleteOptionsOf, includeObjectOf, listOptionsOf, plainListOptionsOf, queryOf, watchOptionsOf, writeOptionsOf } from './params.ts';
import type { HttpWriteOptions } from './params.ts';
import { negotiate, negotiateWrite } from './negotiate.ts';
import type { Negotiated } from './negotiate.ts';
import { parseRequestPath } from './request-info.ts';
import type { RequestInfo } from './request-info.ts';
import { answerReview, reviewTypeFor } from './reviews.ts';
import { serveHttpWatch } from './watch-stream.ts';
import { toTable } from '../table/index.ts';

export interface RequestState {
  user: UserInfo;
  verb: string;
  resource: string;
  longRunning: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    kube: RequestState;
  }
}

export interface ResourceHandlerOptions {
  registry: Registry;
  authorizer: Authorizer;
  now: () => number;
  maxWatchBufferBytes: number;
  onWatchStart: (resource: string) => void;
  onWatchEnd: (resource: string) => void;
}

const notFoundGeneric = (): never => {
  throw routeNotFound();
};

/** the write's warnings as `Warning` headers (Kubernetes' `299 - "text"` form) */
function withWarnings(reply: FastifyReply, w: HttpWriteOptions): FastifyReply {
  if (w.warnings.length) void reply.header('Warning', w.warnings.length === 1 ? w.warnings[0] : w.warnings);
  return reply;
}

function sendJson(reply: FastifyReply, code: number, body: string | object, contentType = 'application/json'): FastifyReply {
  return reply.code(code).header('Content-Type', contentType).send(typeof body === 'string' ? body : (rememberedJson(body) ?? JSON.stringify(body)));
}

function listHead(type: ResourceType, r: ListResult): string {
  let meta = `{"resourceVersion":"${r.revision}"`;
  if (r.continue) meta += `,"continue":${JSON.stringify(r.continue)}`;
  if (r.remainingItemCount !== undefined) meta += `,"remainingItemCount":${r.remainingItemCount}`;
  meta += '}';
  return `{"kind":"${type.kind}List","apiVersion":"${apiVersionOf(type)}","metadata":${meta},"items":[`;
}

function listJson(type: ResourceType, r: ListResult): string {
  return `${listHead(type, r)}${r.items.map((o) => o.json).join(',')}]}`;
}

/** lists of more items than this go out as a stream of pieces (the same bytes, with a
 *  Content-Length): no one string of the whole list, and the client receives the first
 *  pieces while the rest are encoded */
const STREAMED_LIST_ITEMS = 500;
const PIECE_CHARS = 64 * 1024;

function listPieces(type: ResourceType, r: ListResult): { length: number; stream: Readable } {
  const head = listHead(type, r);
  const items = r.items;
  let length = Buffer.byteLength(head) + 2 + Math.max(0, items.length - 1);
  for (const o of items) length += Buffer.byteLength(o.json);
  function* pieces(): Generator<Buffer> {
    let piece = head;
    for (let i = 0; i < items.length; i++) {
      piece += i === 0 ? items[i]!.json : `,${items[i]!.json}`;
      if (piece.length >= PIECE_CHARS) {
        yield Buffer.from(piece);
        piece = '';
      }
    }
    yield Buffer.from(`${piece}]}`);
  }
  return { length, stream: Readable.from(pieces(), { objectMode: false }) };
}

function partialMeta(obj: KubeObject, neg: Negotiated): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${neg.version ?? 'v1'}`, metadata: obj.metadata };
}

/** a write's answer: the object (sent from its remembered JSON), or, when the client asked
 *  for PartialObjectMetadata, the JSON of its kind, apiVersion and metadata alone - the rest
 *  of the object is never encoded. A Status, and anything that is not an object with
 *  metadata, is answered as it is (Kubernetes passes a Status through untransformed).
 *  Exported for tests. */
export function writeAnswer(neg: Negotiated, answer: unknown): string | object {
  const o = answer as { kind?: unknown; metadata?: unknown } | null;
  if (neg.as !== 'PartialObjectMetadata' || o === null || typeof o !== 'object' || Array.isArray(o) || o.kind === 'Status') return answer as object;
  let meta = o.metadata as Record<string, unknown> | null;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return answer as object;
  // the watch cache's own object (which a write may answer with) gets its resourceVersion
  // when its event is applied, perhaps later: the write remembered the revision it stored
  if (meta['resourceVersion'] === undefined) {
    const rev = rememberedRevision(o);
    if (rev !== undefined) meta = { resourceVersion: String(rev), ...meta };
  }
  return `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/${neg.version ?? 'v1'}","metadata":${JSON.stringify(meta)}}`;
}

function tryTable(type: ResourceType, objs: KubeObject[], q: URLSearchParams, now: number, rv?: string, cont?: string): Record<string, unknown> | undefined {
  try {
    const opts: Parameters<typeof toTable>[2] = { includeObject: includeObjectOf(q), now };
    if (rv !== undefined) opts.resourceVersion = rv;
    if (cont) opts.continue = cont;
    return toTable(type, objs, opts);
  } catch (err) {
    if ((err as { code?: number }).code === 400) throw err;
    return undefined;
  }
}

function verbOf(method: string, info: RequestInfo, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return info.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return info.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function makeResourceHandler(opts: ResourceHandlerOptions) {
  const { registry } = opts;

  /** throws (or rejects) unless allowed; a synchronous authorizer's answer is read at once,
   *  without a promise and a turn of the microtask queue */
  function authorize(attrs: AuthorizationAttributes): Promise<void> | undefined {
    const d = opts.authorizer.authorize(attrs);
    if (typeof (d as { then?: unknown }).then === 'function') return authorizeLater(d as Promise<AuthorizationDecision>, attrs);
    if (!(d as AuthorizationDecision).allowed) throw denied(attrs);
    return undefined;
  }
  async function authorizeLater(d: Promise<AuthorizationDecision>, attrs: AuthorizationAttributes): Promise<void> {
    if (!(await d).allowed) throw denied(attrs);
  }

  return async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const url = req.url;
    const qIndex = url.indexOf('?');
    const info = parseRequestPath(qIndex >= 0 ? url.slice(0, qIndex) : url);
    if (!info || !info.resource) return notFoundGeneric();
    const q = queryOf(url);
    const watch = info.watchPath || boolParam(q, 'watch') === true;
    const verb = verbOf(req.method, info, watch && !info.name);
    req.kube.verb = verb;
    req.kube.resource = info.resource;

    // reviews: create-only questions about the caller, answered without storage
    const review = reviewTypeFor(info);
    if (review) {
      if (req.method !== 'POST') throw methodNotAllowed('the server does not allow this method on the requested resource');
      const allowed = authorize({ user: req.kube.user, verb, group: review.group, resource: review.resource });
      if (allowed) await allowed;
      const raw = req.body as Buffer | undefined;
      const decode = (): unknown => (raw !== undefined && raw.length > 0 ? decodeObjectBody(req.headers['content-type'], raw) : undefined);
      return sendJson(reply, 201, await answerReview(review, decode, { user: req.kube.user, authorizer: opts.authorizer, now: opts.now }));
    }

    const type = registry.typeFor(info.group, info.resource);
    if (!type || type.version !== info.version) return notFoundGeneric();
    if (!type.namespaced && info.namespace) return notFoundGeneric();
    if (type.namespaced && info.name && !info.namespace) return notFoundGeneric();
    if (info.subpath && info.subresource !== 'proxy') return notFoundGeneric();

    const attrs: AuthorizationAttributes = { user: req.kube.user, verb, group: type.group, resource: type.resource };
    if (info.subresource) attrs.subresource = info.subresource;
    if (info.namespace) attrs.namespace = info.namespace;
    if (info.name) attrs.name = info.name;
    const allowed = authorize(attrs);
    if (allowed) await allowed;

    const ns = info.namespace;
    const body = req.body as Buffer | undefined;
    const hasBody = body !== undefined && body.length > 0;

    if (info.subresource) return handleSubresource(req, reply, type, info, q, body);

    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const neg = negotiate(req.headers.accept);
        if (info.name) {
          const rv = q.get('resourceVersion') ?? undefined;
          const o = await registry.getCached(type, ns, info.name, rv || undefined);
          if (neg.as === 'Table') {
            const t = tryTable(type, [o.obj], q, opts.now(), String(o.modRevision));
            if (t) return sendJson(reply, 200, t);
          }
          if (neg.as === 'PartialObjectMetadata') return sendJson(reply, 200, partialMeta(o.obj, neg));
          return sendJson(reply, 200, o.json);
        }
        if (watch) return startWatch(req, reply, type, ns, q, neg);
        const r = await registry.listRaw(type, plainListOptionsOf(q, ns));
        return sendList(reply, type, r, neg, q);
      }
      case 'POST': {
        if (info.name) throw methodNotAllowed('the server does not allow this method on the requested resource');
        if (type.namespaced && !ns) return notFoundGeneric();
        const neg = negotiateWrite(req.headers.accept);
        const obj = decodeObjectBody(req.headers['content-type'], body);
        const w = writeOptionsOf(q, req);
        // the answer only goes out as JSON: it may be the watch cache's own object
        const created = await registry.create(type, obj, { ...w, ...(ns ? { namespace: ns } : {}), user: req.kube.user, owned: true, answerServedOnly: true });
        return sendJson(withWarnings(reply, w), 201, writeAnswer(neg, created));
      }
      case 'PUT': {
        if (!info.name) throw methodNotAllowed('the server does not allow this method on the requested resource');
        const neg = negotiateWrite(req.headers.accept);
        const obj = decodeObjectBody(req.headers['content-type'], body);
        const w = writeOptionsOf(q, req);
        const r = await registry.update(type, obj, { ...w, ...(ns ? { namespace: ns } : {}), name: info.name, user: req.kube.user, owned: true, answerServedOnly: true });
        return sendJson(withWarnings(reply, w), r.created ? 201 : 200, writeAnswer(neg, r.object));
      }
      case 'PATCH': {
        if (!info.name) throw methodNotAllowed('the server does not allow this method on the requested resource');
        const neg = negotiateWrite(req.headers.accept);
        const { type: patchType, patch } = decodePatchBody(req.headers['content-type'], body);
        const w = writeOptionsOf(q, req);
        if (patchType === 'apply' && !w.fieldManager) throw failure(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
        const force = boolParam(q, 'force');
        if (force !== undefined && patchType !== 'apply') throw failure(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
        const r = await registry.patch(type, info.name, patch, { ...w, type: patchType, ...(ns ? { namespace: ns } : {}), ...(force !== undefined ? { force } : {}), user: req.kube.user, answerServedOnly: true });
        return sendJson(withWarnings(reply, w), r.created ? 201 : 200, writeAnswer(neg, r.object));
      }
      case 'DELETE': {
        const bodyObj = hasBody ? decodeObjectBody(req.headers['content-type'], body) : undefined;
        const d = deleteOptionsOf(q, bodyObj);
        const w = writeOptionsOf(q, req);
        const dryRun = w.dryRun === true || (d.dryRun?.includes('All') ?? false);
        const { dryRun: _d, kind: _k, apiVersion: _a, ...del } = d;
        void _d;
        void _k;
        void _a;
        if (info.name) {
          const r = await registry.delete(type, info.name, { ...del, ...(ns ? { namespace: ns } : {}), ...(dryRun ? { dryRun } : {}), user: req.kube.user });
          const answer = deleteAnswer(type, r, del);
          return sendJson(reply, answer.code, answer.body);
        }
        if (type.namespaced && !ns && q.get('allNamespaces') === null) {
          // deletecollection across all namespaces is allowed in Kubernetes too
        }
        const r = await registry.deleteCollection(type, listOptionsOf(q, ns), { ...del, ...(dryRun ? { dryRun } : {}), user: req.kube.user });
        return sendJson(reply, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(r.revision) }, items: r.items });
      }
      default:
        throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
  };

  function sendList(reply: FastifyReply, type: ResourceType, r: ListResult, neg: Negotiated, q: URLSearchParams): FastifyReply {
    if (neg.as === 'Table') {
      const t = tryTable(type, r.items.map((o) => o.obj), q, opts.now(), String(r.revision), r.continue);
      if (t) return sendJson(reply, 200, t);
    }
    if (neg.as === 'PartialObjectMetadata') {
      const meta: Record<string, unknown> = { resourceVersion: String(r.revision) };
      if (r.continue) meta['continue'] = r.continue;
      return sendJson(reply, 200, { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${neg.version ?? 'v1'}`, metadata: meta, items: r.items.map((o) => partialMeta(o.obj, neg)) });
    }
    if (r.items.length > STREAMED_LIST_ITEMS && reply.request.method === 'GET') {
      const { length, stream } = listPieces(type, r);
      return reply.code(200).header('Content-Type', 'application/json').header('Content-Length', String(length)).send(stream);
    }
    return sendJson(reply, 200, listJson(type, r));
  }

  async function startWatch(req: FastifyRequest, reply: FastifyReply, type: ResourceType, ns: string | undefined, q: URLSearchParams, neg: Negotiated): Promise<void> {
    const w = watchOptionsOf(q, ns);
    req.kube.longRunning = true;
    const render = neg.as === 'Table' ? { table: { includeObject: includeObjectOf(q), now: opts.now } } : {};
    reply.hijack();
    opts.onWatchStart(type.resource);
    let ended = false;
    const onClose = (): void => {
      if (ended) return;
      ended = true;
      opts.onWatchEnd(type.resource);
    };
    try {
      await serveHttpWatch(registry, type, w, reply.raw, render, opts.maxWatchBufferBytes, onClose);
    } catch (err) {
      onClose();
      throw err;
    }
  }

  async function handleSubresource(req: FastifyRequest, reply: FastifyReply, type: ResourceType, info: RequestInfo, q: URLSearchParams, body: Buffer | undefined): Promise<FastifyReply> {
    const sub = info.subresource!;
    const name = info.name!;
    const ns = info.namespace;
    const builtin = (sub === 'status' && type.subresources.includes('status')) || (sub === 'finalize' && type.group === '' && type.resource === 'namespaces');
    const neg = req.method === 'GET' ? undefined : negotiateWrite(req.headers.accept);
    const answer = (out: unknown): string | object => (neg ? writeAnswer(neg, out) : (out as object));
    if (builtin) {
      switch (req.method) {
        case 'GET':
          if (sub !== 'status') break;
          return sendJson(reply, 200, (await registry.getCached(type, ns, name)).json);
        case 'PUT': {
          const obj = decodeObjectBody(req.headers['content-type'], body);
          const w = writeOptionsOf(q, req);
          const r = await registry.update(type, obj, { ...w, ...(ns ? { namespace: ns } : {}), name, subresource: sub, user: req.kube.user, answerServedOnly: true });
          return sendJson(withWarnings(reply, w), 200, answer(r.object));
        }
        case 'PATCH': {
          if (sub !== 'status') break;
          const { type: patchType, patch } = decodePatchBody(req.headers['content-type'], body);
          const w = writeOptionsOf(q, req);
          const force = boolParam(q, 'force');
          const r = await registry.patch(type, name, patch, { ...w, type: patchType, subresource: sub, ...(ns ? { namespace: ns } : {}), ...(force !== undefined ? { force } : {}), user: req.kube.user, answerServedOnly: true });
          return sendJson(withWarnings(reply, w), 200, answer(r.object));
        }
      }
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
    const h = registry.subresourceHandler(type, sub);
    if (!h) return notFoundGeneric();
    const query: Record<string, string> = {};
    for (const [k, v] of q) query[k] = v;
    const w = writeOptionsOf(q, req);
    const base: SubresourceRequest = { type, namespace: ns, name, subresource: sub, query, user: req.kube.user };
    if (w.dryRun) base.dryRun = true;
    if (w.fieldManager) base.fieldManager = w.fieldManager;
    if (w.userAgent) base.userAgent = w.userAgent;
    switch (req.method) {
      case 'GET':
        if (h.get) {
          const out = await h.get(base);
          return typeof out === 'string' ? reply.code(200).header('Content-Type', 'text/plain').send(out) : sendJson(reply, 200, out as object);
        }
        break;
      case 'POST':
        if (h.create) {
          base.body = decodeObjectBody(req.headers['content-type'], body);
          const r = await h.create(base);
          return sendJson(reply, r.code ?? 201, answer(r.body));
        }
        break;
      case 'PUT':
        if (h.update) return sendJson(reply, 200, answer(await h.update({ ...base, body: decodeObjectBody(req.headers['content-type'], body) })));
        break;
      case 'PATCH':
        if (h.patch) {
          const { type: patchType, patch } = decodePatchBody(req.headers['content-type'], body);
          return sendJson(reply, 200, answer(await h.patch({ ...base, body: patch, patchType })));
        }
        break;
    }
    if (!h.get && !h.create && !h.update && !h.patch) throw notFound(type.resource, type.group, name);
    throw methodNotAllowed('the server does not allow this method on the requested resource');
  }
}
