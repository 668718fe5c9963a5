// proxy-sim's own small HTTP endpoint (kube-proxy serves /metrics on 10249 and /healthz on
// 10256; proxy-sim serves both on one port, 10249 by default, any free port if that is taken):
//   GET /metrics   counters per service and endpoint, Prometheus text format
//   GET /healthz   {"lastUpdated": ..., "currentTime": ...} once the first sync is done, else 503
//   GET /services  JSON: every proxied service port, its local address, NodePort and endpoints
// Built apart from listen() so tests can call the handler; binds to 127.0.0.1 only.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface StatusSource {
  metrics(): string;
  /** undefined before the first sync */
  lastSyncMs(): number | undefined;
  now(): number;
  services(): unknown;
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function statusHandler(src: StatusSource): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case '/metrics':
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', src.metrics());
      case '/healthz':
      case '/livez': {
        const last = src.lastSyncMs();
        const body = JSON.stringify({ lastUpdated: last === undefined ? null : new Date(last).toISOString(), currentTime: new Date(src.now()).toISOString() });
        return send(res, last === undefined ? 503 : 200, 'application/json', body);
      }
      case '/services':
        return send(res, 200, 'application/json', `${JSON.stringify(src.services(), null, 2)}\n`);
      case '/':
        return send(res, 200, 'text/plain; charset=utf-8', 'proxy-sim: /metrics /healthz /services\n');
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  };
}

/** listen on host:port (falling back to any free port when `port` is taken); resolves to the server */
export function listenStatusServer(src: StatusSource, host: string, port: number): Promise<Server> {
  const server = createServer(statusHandler(src));
  server.keepAliveTimeout = 1000;
  const attempt = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: p, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  return attempt(port)
    .catch((err: unknown) => {
      if (port === 0) throw err;
      return attempt(0);
    })
    .then(() => server);
}
