// The scheduler's debug endpoint (node:http, 127.0.0.1 only):
//   GET /healthz                          → "ok"
//   GET /explain/{namespace}/{name}       → the pod's last decision as JSON
//   GET /explain/{namespace}/{name}?format=text → the same as a readable table
// 404 (JSON) for a pod the scheduler has no decision for. `port: 0` picks a free port;
// `url` tells which. `close()` stops it.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Explanation } from './decision.ts';
import { renderExplanation } from './render.ts';

export interface DebugServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDebugServer(opts: { port: number; explain: (namespace: string, name: string) => Explanation | undefined }): Promise<DebugServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (code: number, body: string, type: string): void => {
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const json = (code: number, value: unknown): void => send(code, JSON.stringify(value, null, 2) + '\n', 'application/json');
    if (req.method !== 'GET') return json(405, { error: 'only GET is supported' });
    if (url.pathname === '/healthz') return send(200, 'ok', 'text/plain; charset=utf-8');
    const m = /^\/explain\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) return json(404, { error: 'not found; try /explain/{namespace}/{name} or /healthz' });
    const namespace = decodeURIComponent(m[1]!);
    const name = decodeURIComponent(m[2]!);
    const e = opts.explain(namespace, name);
    if (!e) return json(404, { error: `no scheduling decision recorded for pod ${namespace}/${name}` });
    if (url.searchParams.get('format') === 'text') return send(200, renderExplanation(e), 'text/plain; charset=utf-8');
    return json(200, e);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
