// The Client over HTTP(S): Kubernetes' REST + watch wire format. Requests read whole share
// a pool of at most `maxConnections` keep-alive HTTP/1.1 connections (http1-pool.ts; more
// wait for one): a burst of thousands of writes must not open thousands of TLS
// connections, as client-go multiplexes everything over one HTTP/2 connection. Watches
// and followed logs use node:http/https, each on a connection of its own for as long as
// it runs. Failures are ApiErrors: a Status body as sent, any other error
// body mapped from the HTTP code (http-errors.ts), a connection failure as 503
// ServiceUnavailable. 429 answers are retried after their Retry-After (on the injected
// clock), up to `maxRetries` times. A watch is a chunked stream of newline-delimited
// `{type, object}` JSON, parsed as it arrives; close() aborts the request. With
// `socketPath` the requests go over that Unix socket as plain HTTP (the apiserver's local
// socket, see docs/apiserver.md): the same requests and token, no TLS. A write with
// `answer: 'metadata'` asks for a PartialObjectMetadata answer in its Accept header.
//   const client = createHttpClient(loadKubeconfig('/path/kubeconfig'));

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { KubeList, KubeObject, PartialObjectMetadata, WatchEvent } from '../api/meta.ts';
import type { ResourceType } from '../api/resources.ts';
import type { Clock } from '../clock.ts';
import { AbortError, realClock } from '../clock.ts';
import { failure } from '../errors.ts';
import type { ApiError, Status } from '../errors.ts';
import { errorFromResponse } from './http-errors.ts';
import { queryString, resourcePath } from './paths.ts';
import type { QueryValue } from './paths.ts';
import { patchContentTypes } from './types.ts';
import type { Client, DeleteCallOptions, GetOptions, ListOptions, LogOptions, NamespaceOption, PatchOptions, UpdateOptions, WatchOptions, WatchStream, WriteAnswer, WriteOptions } from './types.ts';
import { createHttp1Pool } from './http1-pool.ts';
import type { Http1Response } from './http1-response.ts';
import { WatchChannel } from './watch-channel.ts';

export interface HttpClientOptions {
  /** `https://127.0.0.1:6443` (a path prefix is kept) */
  server: string;
  /** bearer token */
  token?: string | undefined;
  /** PEM CA bundle to trust for the server's certificate */
  ca?: string | Buffer | undefined;
  /** PEM client certificate and key, for certificate authentication */
  clientCert?: string | Buffer | undefined;
  clientKey?: string | Buffer | undefined;
  insecureSkipTLSVerify?: boolean | undefined;
  userAgent?: string | undefined;
  /** waits for Retry-After on this clock (default: the real clock) */
  clock?: Clock | undefined;
  /** retries of a 429 answer (default 5) */
  maxRetries?: number | undefined;
  /** keep-alive connections shared by requests other than watches and followed logs (default 64) */
  maxConnections?: number | undefined;
  /** a Unix socket to send every request over, as plain HTTP, instead of connecting to
   *  `server` (whose path prefix is still used); kubeconfigs name it in the cluster
   *  extension `kubesim.io/local-socket` */
  socketPath?: string | undefined;
}

export const DEFAULT_MAX_CONNECTIONS = 64;

export interface HttpClient extends Client {
  /** close idle keep-alive connections */
  close(): void;
}

interface RequestSpec {
  method: string;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
  /** a long-running stream (watch, followed log): not from the request pool */
  stream?: boolean;
  /** the Accept header, when not plain JSON */
  accept?: string;
}

/** what a write with `answer: 'metadata'` accepts: the PartialObjectMetadata, else (from a
 *  server that cannot make one) the object, reduced here */
export const PARTIAL_METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** the answer of a write that asked for metadata only, as a PartialObjectMetadata */
function asPartialMetadata(answer: KubeObject): PartialObjectMetadata {
  if (answer.kind === 'PartialObjectMetadata') return answer as PartialObjectMetadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: answer.metadata };
}

const writeQuery = (o: WriteOptions): Record<string, QueryValue> => ({
  dryRun: o.dryRun ? 'All' : undefined,
  fieldManager: o.fieldManager,
  fieldValidation: o.fieldValidation,
});

const listQuery = (o: ListOptions): Record<string, QueryValue> => ({
  labelSelector: o.labelSelector,
  fieldSelector: o.fieldSelector,
  limit: o.limit,
  continue: o.continue,
  resourceVersion: o.resourceVersion,
  resourceVersionMatch: o.resourceVersionMatch,
});

interface DeleteBodyOptions {
  gracePeriodSeconds?: number | undefined;
  propagationPolicy?: string | undefined;
  orphanDependents?: boolean | undefined;
  preconditions?: unknown;
  dryRun?: boolean | undefined;
}

function deleteBody(o: DeleteBodyOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (o.gracePeriodSeconds !== undefined) body['gracePeriodSeconds'] = o.gracePeriodSeconds;
  if (o.propagationPolicy !== undefined) body['propagationPolicy'] = o.propagationPolicy;
  if (o.orphanDependents !== undefined) body['orphanDependents'] = o.orphanDependents;
  if (o.preconditions !== undefined) body['preconditions'] = o.preconditions;
  if (o.dryRun) body['dryRun'] = ['All'];
  return body;
}

/** a request's body as sent: a string as it is, anything else as JSON */
const payloadOf = (spec: RequestSpec): string | undefined => (spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body));

/** a Retry-After header's seconds, when it is a number */
function retryAfterOf(header: string | string[] | undefined): number | undefined {
  const n = Number(header);
  return Number.isFinite(n) ? n : undefined;
}

/** how long to wait before retrying a 429: its Retry-After, else a second */
const retryDelayMs = (retryAfter: number | undefined): number => (retryAfter !== undefined && retryAfter >= 0 ? retryAfter : 1) * 1000;

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const base = new URL(opts.server);
  const socketPath = opts.socketPath;
  const secure = base.protocol === 'https:' && socketPath === undefined;
  const basePath = base.pathname.replace(/\/+$/, '');
  const clock = opts.clock ?? realClock;
  const maxRetries = opts.maxRetries ?? 5;
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  // One TLS context for every connection: parsing the CA for each one is costly.
  const secureContext = secure
    ? tls.createSecureContext({
        ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
        ...(opts.clientCert !== undefined ? { cert: opts.clientCert } : {}),
        ...(opts.clientKey !== undefined ? { key: opts.clientKey } : {}),
      })
    : undefined;
  // One agent: watches and followed logs raise its socket limit while they run, so that
  // at most `maxConnections` other requests are in flight and a stream never waits.
  const agent: http.Agent = secureContext
    ? new https.Agent({ keepAlive: true, secureContext, rejectUnauthorized: !opts.insecureSkipTLSVerify, maxSockets: maxConnections, maxFreeSockets: maxConnections })
    : new http.Agent({ keepAlive: true, maxSockets: maxConnections, maxFreeSockets: maxConnections });
  let streams = 0;

  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': opts.userAgent ?? 'kubesim/0.1.0',
  };
  if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;

  // Requests read whole go through a pool of plain HTTP/1.1 connections (http1-pool.ts),
  // watches and followed logs through the agent above: each has its own connections, so a
  // stream never waits for a request, nor a request for a stream.
  const host = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(base.port || (secure ? 443 : 80));
  const pool = createHttp1Pool({
    connect: socketPath !== undefined
      ? () => net.connect(socketPath)
      : secureContext
        ? () => tls.connect({ host, port, secureContext, rejectUnauthorized: !opts.insecureSkipTLSVerify, ...(net.isIP(host) ? {} : { servername: host }) })
        : () => net.connect(port, host),
    host: socketPath !== undefined ? 'localhost' : base.host,
    maxConnections,
  });

  // request options without a URL to parse each time (a burst sends thousands)
  const target = socketPath !== undefined
    ? { protocol: 'http:', socketPath, hostname: 'localhost' }
    : { protocol: base.protocol, hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), port: base.port || (secure ? 443 : 80) };

  /** one HTTP exchange; resolves with the response head (body unread); `spec.signal` aborts it */
  function send(spec: RequestSpec, payload: string | undefined): Promise<IncomingMessage> {
    const path = basePath + spec.path + queryString(spec.query ?? {});
    const h: Record<string, string> = { ...headers };
    if (spec.accept !== undefined) h['Accept'] = spec.accept;
    if (payload !== undefined) {
      h['Content-Type'] = spec.contentType ?? 'application/json';
      h['Content-Length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const signal = spec.signal;
      if (signal?.aborted) return reject(new AbortError());
      // raised before the request is queued, so the stream gets a connection at once
      if (spec.stream) agent.maxSockets = maxConnections + ++streams;
      const req = (secure ? https : http).request({ ...target, path, method: spec.method, headers: h, agent });
      if (spec.stream) req.once('close', () => (agent.maxSockets = maxConnections + --streams));
      // destroy() without an error: a response being read just ends early, nothing throws
      const onAbort = (): void => void req.destroy();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('response', (res) => {
        res.on('error', () => {}); // readers see errors through their iterator
        resolve(res);
      });
      req.on('error', (err) => {
        if (signal?.aborted) reject(new AbortError());
        else reject(failure(503, 'ServiceUnavailable', `${spec.method} "${base.origin}${path}": ${err.message}`));
      });
      req.end(payload);
    });
  }

  /** send, retrying 429s after their Retry-After; the caller reads the body */
  async function exchange(spec: RequestSpec): Promise<IncomingMessage> {
    const payload = payloadOf(spec);
    for (let attempt = 0; ; attempt++) {
      const res = await send(spec, payload);
      if (res.statusCode !== 429 || attempt >= maxRetries) return res;
      res.resume();
      await clock.sleep(retryDelayMs(retryAfterOf(res.headers['retry-after'])), spec.signal);
    }
  }

  /** the whole body as text; rejects when the response breaks off before its end */
  function readBody(res: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let ended = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        ended = true;
        resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      });
      res.once('error', reject);
      res.once('close', () => {
        if (!ended) reject(new Error('aborted'));
      });
    });
  }

  function failed(res: IncomingMessage, text: string, method: string): ApiError {
    return errorFromResponse(res.statusCode ?? 0, text, method, retryAfterOf(res.headers['retry-after']));
  }

  /**
   * One request read whole (everything but watches and followed logs), on the pool's
   * connections: retries 429s after their Retry-After; a connection that fails is a 503,
   * an answer outside 2xx its ApiError, an aborted request an AbortError.
   */
  async function whole(spec: RequestSpec): Promise<string> {
    const payload = payloadOf(spec);
    const path = basePath + spec.path + queryString(spec.query ?? {});
    let h = headers;
    if (spec.accept !== undefined || payload !== undefined) {
      h = { ...headers };
      if (spec.accept !== undefined) h['Accept'] = spec.accept;
      if (payload !== undefined) h['Content-Type'] = spec.contentType ?? 'application/json';
    }
    for (let attempt = 0; ; attempt++) {
      let res: Http1Response;
      try {
        res = await pool.request(spec.method, path, h, payload, spec.signal);
      } catch (err) {
        if (spec.signal?.aborted) throw new AbortError();
        if (err instanceof TypeError) throw err;
        throw failure(503, 'ServiceUnavailable', `${spec.method} "${base.origin}${path}": ${(err as Error).message}`);
      }
      const retryAfter = retryAfterOf(res.headers.get('retry-after'));
      if (res.statusCode === 429 && attempt < maxRetries) {
        await clock.sleep(retryDelayMs(retryAfter), spec.signal);
        continue;
      }
      const text = res.body.toString('utf8');
      if (res.statusCode < 200 || res.statusCode > 299) throw errorFromResponse(res.statusCode, text, spec.method, retryAfter);
      return text;
    }
  }

  async function call<R>(spec: RequestSpec): Promise<R> {
    const text = await whole(spec);
    return (text ? JSON.parse(text) : {}) as R;
  }

  const text = whole;

  function watch<T extends KubeObject>(type: ResourceType<T>, o: WatchOptions = {}): WatchStream<T> {
    const ac = new AbortController();
    const channel = new WatchChannel<T>(() => ac.abort());
    const spec: RequestSpec = {
      signal: ac.signal,
      stream: true,
      method: 'GET',
      path: resourcePath(type, { namespace: o.namespace }),
      query: {
        watch: 'true',
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        resourceVersion: o.resourceVersion,
        allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
        timeoutSeconds: o.timeoutSeconds,
        sendInitialEvents: o.sendInitialEvents ? 'true' : undefined,
        resourceVersionMatch: o.sendInitialEvents ? 'NotOlderThan' : undefined,
      },
    };
    void (async () => {
      const res = await exchange(spec);
      const code = res.statusCode ?? 0;
      if (code < 200 || code > 299) {
        const err = failed(res, await readBody(res), 'GET');
        if (err.code === 410) {
          channel.push({ type: 'ERROR', object: err.status as unknown as T });
          channel.end();
        } else channel.fail(err);
        return;
      }
      res.setEncoding('utf8');
      // newline-delimited events; `partial` holds the start of a line split across chunks
      let partial = '';
      const take = (line: string): void => {
        if (!line.trim()) return;
        channel.push(JSON.parse(line) as WatchEvent<T>);
      };
      const fail = (err: unknown): void => {
        // bad JSON fails the watch; a connection closed under it just ends it, as for client-go
        if (err instanceof SyntaxError) channel.fail(failure(500, 'InternalError', `unable to decode watch event: ${err.message}`));
        else channel.end();
        res.destroy();
      };
      res.on('data', (chunk: string) => {
        if (channel.ended) return;
        try {
          let from = 0;
          let nl = chunk.indexOf('\n');
          if (nl >= 0 && partial) {
            take(partial + chunk.slice(0, nl));
            partial = '';
            from = nl + 1;
            nl = chunk.indexOf('\n', from);
          }
          for (; nl >= 0; from = nl + 1, nl = chunk.indexOf('\n', from)) take(chunk.slice(from, nl));
          if (from < chunk.length) partial += chunk.slice(from);
        } catch (err) {
          fail(err);
        }
      });
      res.once('end', () => {
        try {
          take(partial);
          channel.end();
        } catch (err) {
          fail(err);
        }
      });
      res.once('close', () => channel.end());
    })().catch((err: unknown) => (ac.signal.aborted ? channel.end() : channel.fail(err)));
    return channel;
  }

  async function* logStream(name: string, o: LogOptions): AsyncIterable<string> {
    // our own controller, so that a consumer that stops iterating also ends the request
    const ac = new AbortController();
    const onSignal = (): void => ac.abort();
    o.signal?.addEventListener('abort', onSignal);
    try {
      const res = await exchange({ ...logRequest(name, o), signal: ac.signal, stream: o.follow === true });
      const code = res.statusCode ?? 0;
      if (code < 200 || code > 299) throw failed(res, await readBody(res), 'GET');
      res.setEncoding('utf8');
      try {
        for await (const chunk of res) yield chunk as string;
      } catch (err) {
        if (!ac.signal.aborted) throw err;
      }
    } finally {
      o.signal?.removeEventListener('abort', onSignal);
      ac.abort();
    }
  }

  function logRequest(name: string, o: LogOptions): RequestSpec {
    return {
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(o.namespace ?? 'default')}/pods/${encodeURIComponent(name)}/log`,
      query: {
        container: o.container,
        follow: o.follow ? 'true' : undefined,
        previous: o.previous ? 'true' : undefined,
        tailLines: o.tailLines,
        sinceSeconds: o.sinceSeconds,
        timestamps: o.timestamps ? 'true' : undefined,
        limitBytes: o.limitBytes,
      },
      signal: o.signal,
    };
  }

  /** a create, update or patch: its answer whole, or its metadata when `o` asks for that */
  async function write<T extends KubeObject, O extends WriteOptions>(spec: RequestSpec, o: O): Promise<WriteAnswer<T, O>> {
    if (o.answer !== 'metadata') return call<WriteAnswer<T, O>>(spec);
    return asPartialMetadata(await call<KubeObject>({ ...spec, accept: PARTIAL_METADATA_ACCEPT })) as WriteAnswer<T, O>;
  }

  const nameOf = (obj: KubeObject): string => obj.metadata.name ?? '';
  const nsOf = (type: ResourceType, o: NamespaceOption, obj?: KubeObject): string | undefined => (type.namespaced ? (o.namespace ?? obj?.metadata.namespace) : undefined);

  return {
    get: <T extends KubeObject>(type: ResourceType<T>, name: string, o: GetOptions = {}) =>
      call<T>({ method: 'GET', path: resourcePath(type, { namespace: o.namespace, name }), query: { resourceVersion: o.resourceVersion } }),
    list: <T extends KubeObject>(type: ResourceType<T>, o: ListOptions = {}) =>
      call<KubeList<T>>({ method: 'GET', path: resourcePath(type, { namespace: o.namespace }), query: listQuery(o) }),
    watch,
    create: <T extends KubeObject, O extends WriteOptions = WriteOptions>(type: ResourceType<T>, obj: T, o: O = {} as O) =>
      write<T, O>({ method: 'POST', path: resourcePath(type, { namespace: nsOf(type, o, obj) }), query: writeQuery(o), body: obj }, o),
    update: <T extends KubeObject, O extends UpdateOptions = UpdateOptions>(type: ResourceType<T>, obj: T, o: O = {} as O) =>
      write<T, O>({ method: 'PUT', path: resourcePath(type, { namespace: nsOf(type, o, obj), name: nameOf(obj), subresource: o.subresource }), query: writeQuery(o), body: obj }, o),
    patch: <T extends KubeObject, O extends PatchOptions = PatchOptions>(type: ResourceType<T>, name: string, patch: unknown, o: O) =>
      write<T, O>({
        method: 'PATCH',
        path: resourcePath(type, { namespace: o.namespace, name, subresource: o.subresource }),
        query: { ...writeQuery(o), force: o.force ? 'true' : undefined },
        body: patch,
        contentType: patchContentTypes[o.type],
      }, o),
    delete: <T extends KubeObject>(type: ResourceType<T>, name: string, o: DeleteCallOptions = {}) =>
      call<T | Status>({ method: 'DELETE', path: resourcePath(type, { namespace: o.namespace, name }), body: deleteBody(o) }),
    deleteCollection: <T extends KubeObject>(type: ResourceType<T>, o: ListOptions & { propagationPolicy?: DeleteCallOptions['propagationPolicy'] } = {}) =>
      call<KubeList<T> | Status>({ method: 'DELETE', path: resourcePath(type, { namespace: o.namespace }), query: listQuery(o), body: deleteBody(o) }),
    getSubresource: <R>(type: ResourceType, name: string, subresource: string, o: NamespaceOption = {}) =>
      call<R>({ method: 'GET', path: resourcePath(type, { namespace: o.namespace, name, subresource }) }),
    createSubresource: <R>(type: ResourceType, name: string, subresource: string, body: unknown, o: WriteOptions = {}) =>
      call<R>({ method: 'POST', path: resourcePath(type, { namespace: o.namespace, name, subresource }), query: writeQuery(o), body }),
    updateSubresource: <R>(type: ResourceType, name: string, subresource: string, body: unknown, o: WriteOptions = {}) =>
      call<R>({ method: 'PUT', path: resourcePath(type, { namespace: o.namespace, name, subresource }), query: writeQuery(o), body }),
    logs: (name: string, o: LogOptions & { follow?: false }) => text(logRequest(name, o)),
    logStream,
    close: () => {
      agent.destroy();
      pool.close();
    },
  };
}

