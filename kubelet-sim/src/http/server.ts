// kubelet-sim's HTTP endpoint, shared by every virtual node of the process (one port,
// listed in each node's status.daemonEndpoints). Routes, in the kubelet's shapes:
//   GET  /containerLogs/{ns}/{pod}/{container}?follow&tailLines&timestamps&sinceSeconds&sinceTime&previous&limitBytes
//   GET  /stats/summary?node=N          GET /metrics/resource?node=N   (node optional with one node)
//   GET  /pods?node=N                   GET /healthz
// and kubesim's own failure injection (JSON):
//   GET  /kubesim/nodes   POST /kubesim/nodes/{n}/stop|start   GET /kubesim/backends
//   POST /kubesim/nodes/{n}/condition {type,status,reason?,message?}   DELETE /kubesim/nodes/{n}/condition/{type}
//   POST /kubesim/nodes/{n|*}/image-pulls {delaySeconds?,fail?}
//   POST /kubesim/nodes/{n}/fail {reason?,message?} (Ready=False) | /recover | /add | /remove
// (also without the /kubesim prefix: /nodes/{n}/{action}, as the kubesim CLI calls them)
// CONNECT podIP:port tunnels to a serving pod. Built apart from listen(), for tests.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { formatRFC3339Nano } from '../duration.ts';
import type { LogLine, LogStore } from '../logs/log-store.ts';
import type { ConditionOverride, ImagePullFaults, NodeActions } from '../node/actions.ts';
import type { PodWorker } from '../pod/pod-worker.ts';
import type { Pod } from '../types.ts';
import type { Backends } from './backends.ts';

export interface KubeletApi {
  now(): number;
  logs: LogStore;
  findPod(namespace: string, name: string): PodWorker | undefined;
  nodeNames(): string[];
  summary(node: string): unknown;
  resourceMetrics(node: string): string;
  pods(node: string): Pod[];
  actions: NodeActions;
  backends: Backends | undefined;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'body must be a JSON object');
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new HttpError(400, `${name}: must be an integer`);
  return Number(v);
}

const boolParam = (q: URLSearchParams, name: string): boolean => q.get(name) === 'true' || q.get(name) === '1';

function pickNode(api: KubeletApi, q: URLSearchParams, req: IncomingMessage): string {
  const names = api.nodeNames();
  const wanted = q.get('node') ?? (req.headers['x-kubesim-node'] as string | undefined);
  if (wanted) {
    if (!names.includes(wanted)) throw new HttpError(404, `node "${wanted}" is not hosted here`);
    return wanted;
  }
  if (names.length === 1) return names[0]!;
  throw new HttpError(400, `this endpoint serves ${names.length} nodes: add ?node=<name>`);
}

function serveLogs(api: KubeletApi, parts: string[], q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const [ns, podName, containerName] = parts.map(decodeURIComponent);
  if (!ns || !podName) throw new HttpError(400, 'expected /containerLogs/{namespace}/{pod}/{container}');
  const w = api.findPod(ns, podName);
  if (!w) throw new HttpError(404, `pod "${podName}" not found in namespace "${ns}" on this kubelet`);
  const all = w.containers;
  let name = containerName;
  if (!name) {
    if (w.main.length !== 1) throw new HttpError(400, `a container name must be specified for pod ${podName}, choose one of: [${all.map((c) => c.name).join(' ')}]`);
    name = w.main[0]!.name;
  }
  const c = all.find((x) => x.name === name);
  if (!c) throw new HttpError(400, `container ${name} is not valid for pod ${podName}`);
  const previous = boolParam(q, 'previous');
  const key = w.logKey(c);
  if (previous && !api.logs.has(key, true)) throw new HttpError(400, `previous terminated container "${name}" in pod "${podName}" not found`);
  if (!previous && !api.logs.has(key)) {
    const reason = c.state.kind === 'waiting' ? c.state.reason : 'ContainerCreating';
    throw new HttpError(400, `container "${name}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  const since = sinceSeconds !== undefined ? api.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  const tailLines = intParam(q, 'tailLines');
  let budget = intParam(q, 'limitBytes') ?? Number.POSITIVE_INFINITY;
  const timestamps = boolParam(q, 'timestamps');
  const follow = boolParam(q, 'follow') && !previous;
  const render = (l: LogLine): string => `${timestamps ? `${formatRFC3339Nano(l.time)} ` : ''}${l.text}\n`;
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
  let open = true;
  const write = (text: string): void => {
    if (!open) return;
    const out = budget < Buffer.byteLength(text) ? Buffer.from(text).subarray(0, Math.max(0, budget)) : text;
    budget -= Buffer.byteLength(out);
    res.write(out);
    if (budget <= 0) finish();
  };
  let unfollow = (): void => {};
  const finish = (): void => {
    if (!open) return;
    open = false;
    unfollow();
    res.end();
  };
  const opts: { previous: boolean; tailLines?: number; since?: number } = { previous };
  if (tailLines !== undefined) opts.tailLines = tailLines;
  if (since !== undefined) opts.since = since;
  for (const l of api.logs.read(key, opts)) write(render(l));
  if (!follow || !open) return finish();
  unfollow = api.logs.follow(key, (l) => write(render(l)), finish);
  req.on('close', finish);
}

async function serveKubesim(api: KubeletApi, parts: string[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (parts[0] === 'backends' && method === 'GET') return sendJson(res, 200, api.backends?.table() ?? {});
  if (parts[0] !== 'nodes') throw new HttpError(404, 'not found');
  const node = parts[1] ? decodeURIComponent(parts[1]) : undefined;
  if (!node) {
    if (method !== 'GET') throw new HttpError(405, 'method not allowed');
    return sendJson(res, 200, { nodes: api.actions.list() });
  }
  const action = parts[2];
  if (action === 'add' && method === 'POST') {
    const name = await api.actions.add(node === '*' ? undefined : node);
    return sendJson(res, 201, api.actions.get(name));
  }
  if (node !== '*' && !api.actions.get(node)) throw new HttpError(404, `node "${node}" is not hosted here`);
  if (action === 'remove' && method === 'POST') {
    await api.actions.remove(node);
    return sendJson(res, 200, { removed: node });
  }
  if (action === 'fail' && method === 'POST') {
    const body = await readJson(req);
    const cond: ConditionOverride = { type: 'Ready', status: 'False', reason: typeof body.reason === 'string' ? body.reason : 'KubeletNotReady' };
    if (typeof body.message === 'string') cond.message = body.message;
    api.actions.setCondition(node, cond);
    return sendJson(res, 200, api.actions.get(node));
  }
  if (action === 'recover' && method === 'POST') {
    api.actions.clearCondition(node, 'Ready');
    return sendJson(res, 200, api.actions.get(node));
  }
  if (!action && method === 'GET') return sendJson(res, 200, api.actions.get(node));
  if (action === 'stop' && method === 'POST') {
    api.actions.stop(node);
    return sendJson(res, 200, api.actions.get(node));
  }
  if (action === 'start' && method === 'POST') {
    void api.actions.start(node);
    return sendJson(res, 200, api.actions.get(node));
  }
  if (action === 'condition' && method === 'POST') {
    const body = await readJson(req);
    const status = body.status;
    if (typeof body.type !== 'string' || (status !== 'True' && status !== 'False' && status !== 'Unknown')) {
      throw new HttpError(400, 'expected {"type": "Ready", "status": "True|False|Unknown", "reason"?, "message"?}');
    }
    const cond: ConditionOverride = { type: body.type, status };
    if (typeof body.reason === 'string') cond.reason = body.reason;
    if (typeof body.message === 'string') cond.message = body.message;
    api.actions.setCondition(node, cond);
    return sendJson(res, 200, api.actions.get(node));
  }
  if (action === 'condition' && method === 'DELETE' && parts[3]) {
    api.actions.clearCondition(node, decodeURIComponent(parts[3]));
    return sendJson(res, 200, api.actions.get(node));
  }
  if (action === 'image-pulls' && method === 'POST') {
    const body = await readJson(req);
    const faults: ImagePullFaults = {};
    if (typeof body.delaySeconds === 'number' || body.delaySeconds === null) faults.delaySeconds = body.delaySeconds;
    if (typeof body.fail === 'string' || body.fail === null) faults.fail = body.fail;
    api.actions.setImagePulls(node, faults);
    return sendJson(res, 200, node === '*' ? { nodes: api.actions.list() } : api.actions.get(node));
  }
  throw new HttpError(404, 'not found');
}

async function route(api: KubeletApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const parts = url.pathname.split('/').filter(Boolean);
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  if (parts[0] === 'kubesim') return serveKubesim(api, parts.slice(1), req, res);
  if (parts[0] === 'nodes' && method === 'POST') return serveKubesim(api, parts, req, res);
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
  if (parts[0] === 'healthz' && parts.length === 1) return sendText(res, 200, 'ok');
  if (parts[0] === 'containerLogs') return serveLogs(api, parts.slice(1), q, req, res);
  if (parts[0] === 'stats' && parts[1] === 'summary') return sendJson(res, 200, api.summary(pickNode(api, q, req)));
  if (parts[0] === 'metrics' && parts[1] === 'resource') {
    const text = api.resourceMetrics(pickNode(api, q, req));
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    return void res.end(text);
  }
  if (parts[0] === 'pods' && parts.length === 1) {
    return sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: api.pods(pickNode(api, q, req)) });
  }
  throw new HttpError(404, '404 page not found');
}

function tunnel(api: KubeletApi, req: IncomingMessage, client: Socket, head: Buffer): void {
  const local = api.backends?.lookup(req.url ?? '');
  if (!local) {
    client.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  const [host, port] = [local.slice(0, local.lastIndexOf(':')), Number(local.slice(local.lastIndexOf(':') + 1))];
  const upstream = connect(port, host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const drop = (): void => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', drop);
  client.on('error', drop);
}

/** the kubelet-sim HTTP server (not yet listening) */
export function createKubeletServer(api: KubeletApi): Server {
  const server = createServer((req, res) => {
    route(api, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return sendText(res, err.code, `${err.message}\n`);
      sendText(res, 500, `internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => tunnel(api, req, socket, head));
  return server;
}
