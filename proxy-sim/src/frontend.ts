// A frontend: one listening TCP port of proxy-sim — a NodePort (127.0.0.1:<nodePort>) or the
// local stand-in for a ClusterIP service port — forwarding whole connections (L4, like
// kube-proxy) to the endpoints its balancer picks. For each accepted connection:
//   pick an endpoint → dial it → on success splice the two sockets (pipe both ways,
//   half-close passed on) → on failure (refused, reset, no answer in connectTimeoutMs) count
//   the error and try the next endpoint; when none is left, or there was none, reset the
//   client at once (it sees ECONNRESET, never a hang).
// `update` swaps the endpoint set in place: new connections see it at once, connections in
// flight keep their endpoint until either side closes. `close` stops accepting but lets
// connections finish; `destroy` also cuts them (proxy shutdown).

import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Clock, LoggerLike } from '@kubesim/shared';
import { errorMessage } from '@kubesim/shared';
import { RoundRobinBalancer } from './balancer.ts';
import type { Labels, ProxyMetrics } from './metrics.ts';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.ts';

export type FrontendKind = 'cluster' | 'nodePort';

export interface FrontendDeps {
  clock: Clock;
  logger: LoggerLike;
  metrics: ProxyMetrics;
  connectTimeoutMs: number;
}

/** `127.0.0.1:8080` → ['127.0.0.1', 8080] (IPv6 in brackets or bare) */
export function splitHostPort(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1'), Number(hostPort.slice(i + 1))];
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

export class Frontend {
  readonly kind: FrontendKind;
  readonly host: string;
  readonly #deps: FrontendDeps;
  readonly #balancer = new RoundRobinBalancer();
  #server: Server | undefined;
  #port = 0;
  #endpoints = new Map<string, ProxyEndpoint>();
  #labels: Labels = {};
  readonly #open = new Set<Socket>();
  /** why the port could not be opened, if it could not */
  error: string | undefined;

  constructor(kind: FrontendKind, host: string, deps: FrontendDeps) {
    this.kind = kind;
    this.host = host;
    this.#deps = deps;
  }

  get port(): number {
    return this.#port;
  }

  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** `host:port` once listening */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.#port}`;
  }

  /** open `port` (0: any); with `anyIfTaken`, fall back to a free port when it is taken */
  async listen(port: number, anyIfTaken = false): Promise<boolean> {
    if (this.#server) return true;
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => this.#onConnection(s));
    try {
      try {
        await listenOn(server, this.host, port);
      } catch (err) {
        if (!anyIfTaken || port === 0) throw err;
        await listenOn(server, this.host, 0);
      }
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    }
    server.on('error', (err) => this.#deps.logger.warn({ frontend: this.address, err: errorMessage(err) }, 'frontend error'));
    this.#server = server;
    this.#port = (server.address() as { port: number }).port;
    this.error = undefined;
    return true;
  }

  /** the service port and the endpoints to balance over from now on */
  update(info: ServicePortInfo, usable: readonly ProxyEndpoint[]): void {
    this.#labels = { namespace: info.namespace, service: info.name, port: info.portName || String(info.port), frontend: this.kind };
    this.#endpoints = new Map(usable.map((e) => [e.id, e]));
    this.#balancer.setAffinity(info.affinityTimeoutMs);
    this.#balancer.setEndpoints(this.#endpoints.keys());
  }

  /** the ids in rotation, sorted */
  rotation(): readonly string[] {
    return this.#balancer.endpoints();
  }

  /** stop accepting; connections in flight finish on their own */
  close(): void {
    this.#server?.close();
    this.#server = undefined;
  }

  /** stop accepting and cut every connection */
  destroy(): void {
    this.close();
    for (const s of this.#open) s.destroy();
    this.#open.clear();
  }

  #onConnection(client: Socket): void {
    const { metrics, clock } = this.#deps;
    const labels = this.#labels;
    metrics.inc('connections', labels);
    client.on('error', () => client.destroy());
    const clientIP = client.remoteAddress ?? '';
    const tried = new Set<string>();

    const attempt = (): void => {
      if (client.destroyed) return;
      const id = this.#balancer.pick(clientIP, clock.now(), tried);
      const ep = id === undefined ? undefined : this.#endpoints.get(id);
      if (!ep?.backend) {
        metrics.inc(tried.size === 0 ? 'rejected' : 'failed', labels);
        client.resetAndDestroy();
        return;
      }
      const epLabels = { namespace: labels['namespace'] ?? '', service: labels['service'] ?? '', port: labels['port'] ?? '', endpoint: ep.id, pod: ep.pod ?? '' };
      const [host, port] = splitHostPort(ep.backend);
      const backend = connect({ host, port, allowHalfOpen: true });
      let connected = false;
      const giveUp = (): void => {
        if (!connected) backend.destroy(new Error('connect timeout'));
      };
      const timer = clock.setTimeout(giveUp, this.#deps.connectTimeoutMs);
      const clientGone = (): void => {
        clock.clearTimeout(timer);
        backend.destroy();
      };
      client.once('close', clientGone);
      backend.once('error', () => {
        if (connected) return;
        clock.clearTimeout(timer);
        client.off('close', clientGone);
        metrics.inc('endpointErrors', epLabels);
        tried.add(ep.id);
        attempt();
      });
      backend.once('connect', () => {
        connected = true;
        clock.clearTimeout(timer);
        client.off('close', clientGone);
        metrics.inc('endpointConnections', epLabels);
        this.#splice(client, backend, labels);
      });
    };
    attempt();
  }

  /** forward both ways until both sides are done; an error on either side ends both */
  #splice(client: Socket, backend: Socket, labels: Labels): void {
    const { metrics } = this.#deps;
    this.#open.add(client);
    this.#open.add(backend);
    metrics.inc('active', labels, 1);
    backend.setNoDelay(true);
    client.setNoDelay(true);
    client.pipe(backend);
    backend.pipe(client);
    client.on('error', () => backend.destroy());
    backend.on('error', () => client.destroy());
    let closed = 0;
    const onClose = (): void => {
      if (++closed < 2) return;
      this.#open.delete(client);
      this.#open.delete(backend);
      metrics.inc('active', labels, -1);
      metrics.inc('bytes', { ...labels, direction: 'in' }, client.bytesRead);
      metrics.inc('bytes', { ...labels, direction: 'out' }, backend.bytesRead);
    };
    client.once('close', onClose);
    backend.once('close', onClose);
  }
}
