// proxy-sim, kubesim's kube-proxy. It watches Services, EndpointSlices and (for the loopback
// address kubelet-sim gives each serving pod port) Pods, and keeps a table of frontends:
//   - every TCP port of a ClusterIP/NodePort/LoadBalancer service gets a local port on
//     127.0.0.1 standing in for <clusterIP>:<port> (ephemeral, re-used across restarts when
//     free), published on the Service as `kubesim.io/local-endpoint-<port>`;
//   - NodePort and LoadBalancer services also listen on 127.0.0.1:<nodePort>;
//   - LoadBalancer services get status.loadBalancer.ingress 127.0.0.1; headless and
//     ExternalName services get nothing.
// Each change marks its service dirty; a sync loop (kube-proxy's syncProxyRules, without the
// 1 s minSyncPeriod) recomputes dirty services at once and swaps endpoint sets in place.
//   const proxy = await startProxySim({ client, clock, logger }); ... await proxy.stop();

import { SharedInformerFactory, errorMessage, finalStateOf, metaNamespaceKey, noopLogger, resources, stripManagedFields } from '@kubesim/shared';
import type { Client, Clock, EndpointSlice, LoggerLike, Pod, Service } from '@kubesim/shared';
import type { Server } from 'node:http';
import { backendAnnotations, makeBackendResolver, podIdentityAndAnnotations } from './backends.ts';
import { Frontend, splitHostPort } from './frontend.ts';
import type { FrontendDeps } from './frontend.ts';
import { ProxyMetrics } from './metrics.ts';
import { LOCAL_ENDPOINT_ANNOTATION_PREFIX, startPublisher } from './publisher.ts';
import { servicePorts, usableEndpoints } from './service-ports.ts';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.ts';
import { listenStatusServer } from './status-server.ts';

export interface ProxySimOptions {
  client: Client;
  clock: Clock;
  logger?: LoggerLike;
  /** where NodePorts and local service ports listen (default 127.0.0.1) */
  host?: string;
  /** the /metrics, /healthz, /services port (default 10249 as kube-proxy's metrics; 0: any free port) */
  statusPort?: number;
  /** act as this node's proxy for Local traffic policies (default: no node, policies act as Cluster) */
  nodeName?: string;
  /** write `kubesim.io/local-endpoint-<port>` annotations on Services (default true) */
  publishLocalEndpoints?: boolean;
  /** give up dialling an endpoint after this long and try the next (default 1000 ms) */
  connectTimeoutMs?: number;
  /** retry ports that could not be opened this often (default 2000 ms) */
  retryPeriodMs?: number;
  /** informers to share with other in-process components (started by the caller) */
  informers?: SharedInformerFactory;
}

export interface ServicePortStatus {
  namespace: string;
  name: string;
  portName: string;
  port: number;
  protocol: string;
  type: string;
  clusterIP: string | undefined;
  /** host:port standing in for clusterIP:port */
  local: string | undefined;
  nodePort: number | undefined;
  /** why a port could not be opened */
  errors: string[];
  endpoints: (ProxyEndpoint & { inRotation: boolean })[];
}

export interface ProxySim {
  /** http://127.0.0.1:<statusPort> */
  readonly statusUrl: string;
  readonly statusPort: number;
  services(): ServicePortStatus[];
  /** the local host:port of a service port (by number or name) */
  localEndpoint(namespace: string, name: string, port: number | string): string | undefined;
  stop(): Promise<void>;
}

interface PortState {
  info: ServicePortInfo;
  cluster: Frontend;
  nodePort: Frontend | undefined;
  /** the node port the nodePort frontend is for */
  nodePortWanted: number | undefined;
}

export const KUBE_PROXY_METRICS_PORT = 10249;

export async function startProxySim(opts: ProxySimOptions): Promise<ProxySim> {
  const { client, clock } = opts;
  const logger = opts.logger ?? noopLogger;
  const host = opts.host ?? '127.0.0.1';
  const metrics = new ProxyMetrics();
  const deps: FrontendDeps = { clock, logger, metrics, connectTimeoutMs: opts.connectTimeoutMs ?? 1000 };
  const ownInformers = !opts.informers;
  const informers = opts.informers ?? new SharedInformerFactory({ client, clock, logger, transform: stripManagedFields });
  const services = informers.forResource(resources.services);
  const slices = informers.forResource(resources.endpointslices);
  // proxy-sim reads a pod's identity and its backend annotations, nothing else: with its own
  // informers it caches just those (10,000 pods in a few MB instead of ~30), and it watches
  // pods only from the first time an endpoint names one (kube-proxy never watches pods; a
  // cluster whose pods back no service pays nothing here for them).
  const podInformers = ownInformers ? new SharedInformerFactory({ client, clock, logger, transform: podIdentityAndAnnotations }) : informers;
  const pods = podInformers.forResource(resources.pods);
  const watchPods = (): void => {
    if (ownInformers && !podInformers.started && !stopped) podInformers.start();
  };
  const resolve = makeBackendResolver((ns, name) => pods.store.get(`${ns}/${name}`));

  const table = new Map<string, Map<string, PortState>>();
  /** pod key → services whose endpoints name it (their backends follow its annotations) */
  const podRefs = new Map<string, Set<string>>();
  const refsOf = new Map<string, Set<string>>();
  let lastSync: number | undefined;
  let stopped = false;

  const publisher = startPublisher({
    client,
    clock,
    logger,
    services,
    ingressIP: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    publishLocalEndpoints: opts.publishLocalEndpoints ?? true,
    desiredLocalEndpoints: (key) => {
      const out: Record<string, string> = {};
      for (const st of table.get(key)?.values() ?? []) if (st.cluster.listening) out[`${LOCAL_ENDPOINT_ANNOTATION_PREFIX}${st.info.port}`] = st.cluster.address;
      return out;
    },
  });

  // ---- the sync loop: dirty keys, one flush at a time ----
  const dirty = new Set<string>();
  let flushing: Promise<void> | undefined;
  let again = false;
  let scheduled = false;
  const markDirty = (key: string): void => {
    if (stopped) return;
    dirty.add(key);
    if (scheduled) return;
    scheduled = true;
    clock.setTimeout(() => {
      scheduled = false;
      void flush();
    }, 0);
  };
  function flush(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (flushing) {
      again = true;
      return flushing;
    }
    // `flushing` is cleared in a `.finally` callback, which always runs after this
    // assignment; a `finally` inside an async function that never awaits (nothing dirty)
    // would run first, leaving a settled promise here that blocked every later flush.
    flushing = drainDirty().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }
  async function drainDirty(): Promise<void> {
    try {
      do {
        again = false;
        const keys = [...dirty];
        dirty.clear();
        if (keys.length > 0) await syncServices(keys);
      } while ((again || dirty.size > 0) && !stopped);
    } catch (err) {
      logger.error({ err: errorMessage(err) }, 'proxy sync failed');
    }
  }

  function slicesOf(namespace: string, name: string): EndpointSlice[] {
    return slices.store.byIndex('namespace', namespace).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name);
  }

  function setPodRefs(key: string, infos: ServicePortInfo[]): void {
    for (const pod of refsOf.get(key) ?? []) podRefs.get(pod)?.delete(key);
    const now = new Set(infos.flatMap((i) => i.endpoints.map((e) => e.pod).filter((p): p is string => !!p)));
    for (const pod of now) {
      let set = podRefs.get(pod);
      if (!set) podRefs.set(pod, (set = new Set()));
      set.add(key);
    }
    for (const pod of refsOf.get(key) ?? []) if (podRefs.get(pod)?.size === 0) podRefs.delete(pod);
    if (now.size > 0) refsOf.set(key, now);
    else refsOf.delete(key);
    if (podRefs.size > 0) watchPods();
  }

  /** Close what is no longer wanted first (so a node port can pass between services), then open and update. */
  async function syncServices(keys: string[]): Promise<void> {
    const wanted = new Map<string, ServicePortInfo[]>();
    for (const key of keys) {
      const svc = services.store.get(key);
      const [namespace = 'default', name = ''] = key.split('/');
      const infos = svc ? servicePorts(svc, slicesOf(namespace, name), resolve) : [];
      wanted.set(key, infos);
      setPodRefs(key, infos);
      const states = table.get(key);
      if (!states) continue;
      const keep = new Map(infos.map((i) => [i.key, i]));
      for (const [pk, st] of states) {
        const info = keep.get(pk);
        if (!info) {
          st.cluster.close();
          st.nodePort?.close();
          states.delete(pk);
        } else if (st.nodePort && st.nodePortWanted !== info.nodePort) {
          st.nodePort.close();
          st.nodePort = undefined;
          st.nodePortWanted = undefined;
        }
      }
    }
    for (const [key, infos] of wanted) {
      let states = table.get(key);
      if (!states) table.set(key, (states = new Map()));
      const svc = services.store.get(key);
      for (const info of infos) {
        let st = states.get(info.key);
        if (!st) {
          st = { info, cluster: new Frontend('cluster', host, deps), nodePort: undefined, nodePortWanted: undefined };
          states.set(info.key, st);
        }
        st.info = info;
        if (!st.cluster.listening) await openCluster(st, svc);
        if (info.nodePort !== undefined && !st.nodePort) {
          st.nodePort = new Frontend('nodePort', host, deps);
          st.nodePortWanted = info.nodePort;
        }
        if (st.nodePort && !st.nodePort.listening) await openNodePort(st);
        const inside = usableEndpoints(info.endpoints, info.internalTrafficLocal, opts.nodeName);
        st.cluster.update(info, inside);
        st.nodePort?.update(info, usableEndpoints(info.endpoints, info.externalTrafficLocal, opts.nodeName));
        const portLabel = { namespace: info.namespace, service: info.name, port: info.portName || String(info.port) };
        metrics.set('endpoints', { ...portLabel, state: 'total' }, info.endpoints.length);
        metrics.set('endpoints', { ...portLabel, state: 'ready' }, info.endpoints.filter((e) => e.ready).length);
        metrics.set('endpoints', { ...portLabel, state: 'usable' }, inside.length);
      }
      if (states.size === 0) table.delete(key);
      if (!svc) metrics.dropService(...(key.split('/') as [string, string]));
      else publisher.enqueue(key);
    }
    lastSync = clock.now();
    metrics.inc('syncs');
    metrics.set('lastSync', {}, Math.floor(lastSync / 1000));
  }

  async function openCluster(st: PortState, svc: Service | undefined): Promise<void> {
    const published = svc?.metadata.annotations?.[`${LOCAL_ENDPOINT_ANNOTATION_PREFIX}${st.info.port}`];
    const [pubHost, pubPort] = published ? splitHostPort(published) : ['', 0];
    const preferred = pubHost === host && Number.isInteger(pubPort) && pubPort > 0 ? pubPort : 0;
    if (await st.cluster.listen(preferred, true)) {
      logger.info({ service: st.info.key, clusterIP: `${st.info.clusterIP}:${st.info.port}`, local: st.cluster.address }, 'service port reachable locally');
    } else {
      metrics.inc('listenErrors', { namespace: st.info.namespace, service: st.info.name, frontend: 'cluster' });
      logger.warn({ service: st.info.key, err: st.cluster.error }, 'could not open a local port for the service');
    }
  }

  async function openNodePort(st: PortState): Promise<void> {
    const fe = st.nodePort!;
    const hadError = fe.error;
    if (await fe.listen(st.nodePortWanted ?? 0)) {
      logger.info({ service: st.info.key, nodePort: fe.address }, 'node port listening');
    } else if (fe.error !== hadError) {
      metrics.inc('listenErrors', { namespace: st.info.namespace, service: st.info.name, frontend: 'nodePort' });
      logger.warn({ service: st.info.key, nodePort: st.nodePortWanted, err: fe.error }, 'could not open the node port (will retry)');
    }
  }

  // ---- watches ----
  services.addEventHandler({
    onAdd: (svc) => markDirty(metaNamespaceKey(svc)),
    onUpdate: (_old, svc) => markDirty(metaNamespaceKey(svc)),
    onDelete: (obj) => markDirty(metaNamespaceKey(finalStateOf(obj))),
  });
  const sliceChanged = (s: EndpointSlice): void => {
    const name = s.metadata.labels?.['kubernetes.io/service-name'];
    if (name) markDirty(`${s.metadata.namespace ?? 'default'}/${name}`);
  };
  slices.addEventHandler({
    onAdd: sliceChanged,
    onUpdate: (old, s) => {
      sliceChanged(old);
      sliceChanged(s);
    },
    onDelete: (obj) => sliceChanged(finalStateOf(obj)),
  });
  const podChanged = (pod: Pod): void => {
    for (const key of podRefs.get(metaNamespaceKey(pod)) ?? []) markDirty(key);
  };
  pods.addEventHandler({
    onAdd: podChanged,
    onUpdate: (old, pod) => {
      if (old.metadata.uid !== pod.metadata.uid || backendAnnotations(old) !== backendAnnotations(pod)) podChanged(pod);
    },
    onDelete: (obj) => podChanged(finalStateOf(obj)),
  });

  // ports that could not be opened (a node port held by another process) are retried
  const retry = clock.setInterval(() => {
    for (const [key, states] of table) {
      for (const st of states.values()) if (!st.cluster.listening || (st.nodePort && !st.nodePort.listening)) markDirty(key);
    }
  }, opts.retryPeriodMs ?? 2000);

  // ---- status ----
  const statusOf = (st: PortState): ServicePortStatus => {
    const rotation = new Set(st.cluster.rotation());
    return {
      namespace: st.info.namespace,
      name: st.info.name,
      portName: st.info.portName,
      port: st.info.port,
      protocol: st.info.protocol,
      type: st.info.type,
      clusterIP: st.info.clusterIP,
      local: st.cluster.listening ? st.cluster.address : undefined,
      nodePort: st.nodePort?.listening ? st.nodePort.port : undefined,
      errors: [st.cluster.error, st.nodePort?.error].filter((e): e is string => !!e),
      endpoints: st.info.endpoints.map((e) => ({ ...e, inRotation: rotation.has(e.id) })),
    };
  };
  const allStatus = (): ServicePortStatus[] =>
    [...table.values()].flatMap((m) => [...m.values()].map(statusOf)).sort((a, b) => `${a.namespace}/${a.name}:${a.port}`.localeCompare(`${b.namespace}/${b.name}:${b.port}`));

  const statusServer: Server = await listenStatusServer(
    { metrics: () => metrics.render(), lastSyncMs: () => lastSync, now: () => clock.now(), services: allStatus },
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    opts.statusPort ?? KUBE_PROXY_METRICS_PORT,
  );
  const statusPort = (statusServer.address() as { port: number }).port;

  if (ownInformers) informers.start();
  await informers.waitForCacheSync();
  // endpoints that name pods already: know those pods before the first sync
  if (slices.store.list().some((sl) => (sl.endpoints ?? []).some((e) => e.targetRef?.kind === 'Pod'))) {
    watchPods();
    await pods.waitForSync();
  }
  for (const svc of services.store.list()) dirty.add(metaNamespaceKey(svc));
  await flush();
  lastSync ??= clock.now();
  const statusUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${statusPort}`;
  logger.info({ status: statusUrl, services: table.size }, 'proxy-sim synced');

  return {
    statusUrl,
    statusPort,
    services: allStatus,
    localEndpoint(namespace, name, port) {
      for (const st of table.get(`${namespace}/${name}`)?.values() ?? []) {
        if ((st.info.port === port || st.info.portName === port) && st.cluster.listening) return st.cluster.address;
      }
      return undefined;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clock.clearInterval(retry);
      await flushing;
      await publisher.stop();
      if (ownInformers) await Promise.all([informers.stop(), podInformers.stop()]);
      for (const states of table.values()) for (const st of states.values()) {
        st.cluster.destroy();
        st.nodePort?.destroy();
      }
      table.clear();
      statusServer.closeAllConnections();
      await new Promise<void>((r) => statusServer.close(() => r()));
    },
  };
}
