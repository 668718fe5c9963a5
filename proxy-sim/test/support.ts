// Test support for proxy-sim (not part of it): a real HTTPS apiserver (memory store, port 0,
// temporary data dir), an HTTP client to it, proxy-sim started against it, and stand-in pods —
// a real HTTP server per "pod" on 127.0.0.1:0 that answers its own name, published the way
// kubelet-sim publishes serving pods (`kubesim.io/backend-<port>` on the Pod). EndpointSlices
// are written by the test itself, so each test says exactly which endpoints exist and in
// which state.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiserver } from '@kubesim/apiserver';
import type { ApiserverHandle } from '@kubesim/apiserver';
import { createHttpClient, isNotFound, noopLogger, realClock, resources } from '@kubesim/shared';
import type { Client, EndpointSlice, Pod, Service } from '@kubesim/shared';
import { startProxySim } from '../src/index.ts';
import type { ProxySim, ProxySimOptions } from '../src/index.ts';

export const ns = { namespace: 'default' };

export interface ProxyCluster {
  api: ApiserverHandle;
  client: Client;
  proxy: ProxySim;
  /** start a stand-in pod: an HTTP server answering `name`, and a Pod that publishes it */
  pod(name: string, ip: string): Promise<FakePod>;
  stop(): Promise<void>;
}

export interface FakePod {
  name: string;
  ip: string;
  uid: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startProxyCluster(opts: Partial<ProxySimOptions> = {}): Promise<ProxyCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesim-proxy-'));
  const api = await startApiserver({ dataDir, port: 0, store: 'memory', logger: noopLogger });
  const client = createHttpClient({ server: api.url, token: api.adminToken, ca: api.caCert });
  const proxy = await startProxySim({ client, clock: realClock, statusPort: 0, ...opts });
  const servers: Server[] = [];
  return {
    api,
    client,
    proxy,
    async pod(name, ip) {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.end(name));
      });
      server.keepAliveTimeout = 100;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      servers.push(server);
      const port = (server.address() as { port: number }).port;
      const created = await client.create(
        resources.pods,
        { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', annotations: { 'kubesim.io/backend-8080': `127.0.0.1:${port}` } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as Pod,
        ns,
      );
      return {
        name,
        ip,
        uid: created.metadata.uid ?? '',
        port,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      };
    },
    async stop() {
      await proxy.stop();
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
      client.close();
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function makeService(name: string, spec: NonNullable<Service['spec']> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec } };
}

export interface EndpointState {
  pod: FakePod;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** write the service's one hand-made EndpointSlice (`<svc>-test`) with these endpoints on port 8080 */
export async function setEndpoints(client: Client, service: string, eps: EndpointState[]): Promise<void> {
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-test`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({
      addresses: [e.pod.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
      targetRef: { kind: 'Pod', namespace: 'default', name: e.pod.name, uid: e.pod.uid },
    })),
  };
  try {
    const cur = await client.get(resources.endpointslices, slice.metadata.name!, ns);
    await client.update(resources.endpointslices, { ...slice, metadata: { ...slice.metadata, resourceVersion: cur.metadata.resourceVersion ?? '' } }, ns);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create(resources.endpointslices, slice, ns);
  }
}

/** one HTTP GET on a fresh connection; resolves to the body (the pod's name) */
export function get(address: string, opts: { localAddress?: string } = {}): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** how a bare TCP connection ends: 'reset' / 'refused' / 'closed', or 'open' if still open after `ms` */
export function connectOutcome(address: string, ms = 5000): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve('open');
    }, ms);
    s.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ECONNRESET' ? 'reset' : (err.code ?? 'error'));
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve('closed');
    });
  });
}

/** poll (real time, tests only) until `fn` is truthy */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function tally(names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}
