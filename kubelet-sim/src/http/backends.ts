// Serving containers, reachable from this machine. Pod IPs (10.244.x.y) are not routable
// here, so each serving port of a pod gets a loopback listener: podIP:port ↔
// 127.0.0.1:<ephemeral>. The map is published in the pod's annotations as
// `kubesim.io/backend-<port>: "127.0.0.1:<localPort>"` (shared's meta/pod-backends.ts;
// written by kubelet-sim, read by proxy-sim and the apiserver's proxy subresources) and
// served at GET /kubesim/backends; an HTTP CONNECT to the kubelet port with
// `podIP:port` as target is tunnelled too. A listener lives as long as the pod's sandbox;
// while no container serves the port it resets connections (as "connection refused" would).
// Answers are plain text naming the pod and node; each request is logged in the container log.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PodWorker } from '../pod/pod-worker.ts';

interface Backend {
  worker: PodWorker;
  port: number;
  server: Server;
  local: string;
}

export class Backends {
  readonly host: string;
  #byPod = new Map<PodWorker, Backend[]>();
  #byTarget = new Map<string, Backend>();
  /** connections answered */
  served = 0;

  constructor(host = '127.0.0.1') {
    this.host = host;
  }

  /** the serving ports of a pod (over all its containers) */
  static portsOf(w: PodWorker): number[] {
    return [...new Set(w.containers.flatMap((c) => c.servedPorts))].sort((a, b) => a - b);
  }

  /** Open a loopback listener for each serving port; resolves to port → `127.0.0.1:<local>`. */
  async open(w: PodWorker): Promise<Record<number, string>> {
    const existing = this.#byPod.get(w);
    const out: Record<number, string> = {};
    if (existing) {
      for (const b of existing) out[b.port] = b.local;
      return out;
    }
    const list: Backend[] = [];
    this.#byPod.set(w, list);
    for (const port of Backends.portsOf(w)) {
      const server = createServer((req, res) => this.#answer(w, port, req, res));
      server.keepAliveTimeout = 1000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, this.host, () => resolve());
      });
      const local = `${this.host}:${(server.address() as AddressInfo).port}`;
      if (w.closed || this.#byPod.get(w) !== list) {
        server.close();
        continue;
      }
      const b: Backend = { worker: w, port, server, local };
      list.push(b);
      if (w.podIP) this.#byTarget.set(`${w.podIP}:${port}`, b);
      out[port] = local;
    }
    return out;
  }

  close(w: PodWorker): void {
    const list = this.#byPod.get(w);
    if (!list) return;
    this.#byPod.delete(w);
    for (const b of list) {
      if (this.#byTarget.get(`${w.podIP}:${b.port}`) === b) this.#byTarget.delete(`${w.podIP}:${b.port}`);
      b.server.closeAllConnections();
      b.server.close();
    }
  }

  closeAll(): void {
    for (const w of [...this.#byPod.keys()]) this.close(w);
  }

  /** `10.244.1.5:80` → `127.0.0.1:40123` */
  lookup(target: string): string | undefined {
    return this.#byTarget.get(target)?.local;
  }

  table(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, b] of this.#byTarget) out[k] = b.local;
    return out;
  }

  get size(): number {
    return this.#byTarget.size;
  }

  #answer(w: PodWorker, port: number, req: IncomingMessage, res: ServerResponse): void {
    const c = w.containers.find((x) => x.running && !x.stopping && x.servedPorts.includes(port));
    if (!c || w.closed) {
      req.socket.destroy();
      return;
    }
    this.served++;
    const path = req.url ?? '/';
    w.host.logs.append(w.logKey(c), w.host.timers.now(), `kubesim: ${req.method ?? 'GET'} ${path} from ${req.socket.remoteAddress ?? '?'} -> 200`);
    const body = `kubesim: pod ${w.key} (${w.podIP}) on node ${w.host.nodeName}, container ${c.name}, port ${port}: ${req.method ?? 'GET'} ${path}\n`;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-kubesim-pod': w.key, 'x-kubesim-node': w.host.nodeName });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
