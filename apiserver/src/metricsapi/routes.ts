// HTTP routes that reach the kubelets: the metrics.k8s.io/v1beta1 API (`kubectl top pods`,
// `kubectl top nodes`) and `nodes/<name>/proxy/<path>` (`kubectl get --raw
// /api/v1/nodes/n1/proxy/stats/summary`). Both find a node's kubelet at its InternalIP and
// status.daemonEndpoints.kubeletEndpoint.Port. kubelet-sim serves every virtual node of a
// process on one port, so kubesim adds `node=<name>` to what it asks. A node whose kubelet
// does not answer within a couple of seconds is left out of lists, as metrics-server does.
//   GET /apis/metrics.k8s.io/v1beta1/nodes[/<name>]            NodeMetrics(List)
//   GET /apis/metrics.k8s.io/v1beta1[/namespaces/<ns>]/pods[/<name>]   PodMetrics(List)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failure, formatTime, resources } from '@kubesim/shared';
import type { KubeObject, ResourceType } from '@kubesim/shared';
import type { Authorizer } from '../auth/authorizer.ts';
import { authorizeRoute } from '../http/authorize-route.ts';
import type { Registry } from '../registry/registry.ts';
import { kubeletURL } from '../subresources/log.ts';
import { METRICS_GROUP, METRICS_VERSION, metricsList, nodeMetrics, podMetrics } from './summary.ts';
import type { Summary } from './summary.ts';

type Fetch = typeof fetch;
const KUBELET_TIMEOUT_MS = 2000;

export interface KubeletRoutesOptions {
  registry: Registry;
  authorizer: Authorizer;
  fetch?: Fetch;
}

/** the metrics.k8s.io resources, for discovery */
export const metricsResources: ResourceType[] = [
  { group: METRICS_GROUP, version: METRICS_VERSION, kind: 'NodeMetrics', resource: 'nodes', singular: '', namespaced: false, shortNames: [], categories: [], subresources: [] },
  { group: METRICS_GROUP, version: METRICS_VERSION, kind: 'PodMetrics', resource: 'pods', singular: '', namespaced: true, shortNames: [], categories: [], subresources: [] },
];

const metricsNotFound = (resource: 'nodemetrics' | 'podmetrics', name: string): Error =>
  failure(404, 'NotFound', `${resource}.${METRICS_GROUP} "${name}" not found`, { name, group: METRICS_GROUP, kind: resource === 'nodemetrics' ? 'nodes' : 'pods' });

export function registerKubeletRoutes(app: FastifyInstance, opts: KubeletRoutesOptions): void {
  const { registry } = opts;
  const fetchImpl = opts.fetch ?? fetch;
  const now = (): string => formatTime(registry.clock.now());

  const authorize = (req: FastifyRequest, attrs: { verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string }): Promise<void> =>
    authorizeRoute(req, opts.authorizer, attrs);

  /** a node's summary, or undefined when its kubelet cannot be reached */
  const summaryOf = async (node: KubeObject): Promise<Summary | undefined> => {
    try {
      const res = await fetchImpl(`${kubeletURL(node)}/stats/summary?node=${encodeURIComponent(node.metadata.name ?? '')}`, { signal: AbortSignal.timeout(KUBELET_TIMEOUT_MS) });
      return res.ok ? ((await res.json()) as Summary) : undefined;
    } catch {
      return undefined;
    }
  };

  const nodesNamed = async (names: Iterable<string>): Promise<KubeObject[]> => {
    const out: KubeObject[] = [];
    for (const name of new Set(names)) out.push(await registry.get(resources.nodes, name).catch(() => undefined as unknown as KubeObject));
    return out.filter(Boolean);
  };

  const podMetricsOf = async (pods: KubeObject[]): Promise<Array<Record<string, unknown>>> => {
    const nodes = await nodesNamed(pods.map((p) => (p as KubeObject & { spec?: { nodeName?: string } }).spec?.nodeName ?? '').filter(Boolean));
    const summaries = await Promise.all(nodes.map(summaryOf));
    const stats = new Map<string, NonNullable<Summary['pods']>[number]>();
    for (const s of summaries) for (const p of s?.pods ?? []) stats.set(`${p.podRef.namespace}/${p.podRef.name}`, p);
    const t = now();
    const out: Array<Record<string, unknown>> = [];
    for (const pod of pods) {
      const st = stats.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
      const m = st && podMetrics(pod, st, t);
      if (m) out.push(m);
    }
    return out;
  };

  const json = (reply: FastifyReply, body: unknown): FastifyReply => reply.header('Content-Type', 'application/json').send(JSON.stringify(body));
  const labelSelector = (req: FastifyRequest): string | undefined => {
    const ls = (req.query as Record<string, string | undefined>)['labelSelector'];
    return ls || undefined;
  };
  const base = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;

  app.get(`${base}/nodes`, async (req, reply) => {
    await authorize(req, { verb: 'list', group: METRICS_GROUP, resource: 'nodes' });
    const ls = labelSelector(req);
    const nodes = (await registry.list(resources.nodes, ls ? { labelSelector: ls } : {})).items;
    const summaries = await Promise.all(nodes.map(summaryOf));
    const t = now();
    const items = nodes.flatMap((n, i) => (summaries[i] ? [nodeMetrics(n, summaries[i], t)] : []));
    return json(reply, metricsList('NodeMetricsList', items));
  });

  app.get(`${base}/nodes/:name`, async (req, reply) => {
    const { name } = req.params as { name: string };
    await authorize(req, { verb: 'get', group: METRICS_GROUP, resource: 'nodes', name });
    const node = await registry.get(resources.nodes, name).catch(() => undefined);
    const summary = node && (await summaryOf(node));
    if (!node || !summary) throw metricsNotFound('nodemetrics', name);
    return json(reply, nodeMetrics(node, summary, now()));
  });

  const listPods = async (req: FastifyRequest, reply: FastifyReply, namespace: string | undefined): Promise<FastifyReply> => {
    await authorize(req, { verb: 'list', group: METRICS_GROUP, resource: 'pods', ...(namespace ? { namespace } : {}) });
    const ls = labelSelector(req);
    const pods = (await registry.list(resources.pods, { ...(namespace ? { namespace } : {}), ...(ls ? { labelSelector: ls } : {}) })).items;
    return json(reply, metricsList('PodMetricsList', await podMetricsOf(pods)));
  };
  app.get(`${base}/pods`, (req, reply) => listPods(req, reply, undefined));
  app.get(`${base}/namespaces/:namespace/pods`, (req, reply) => listPods(req, reply, (req.params as { namespace: string }).namespace));

  app.get(`${base}/namespaces/:namespace/pods/:name`, async (req, reply) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    await authorize(req, { verb: 'get', group: METRICS_GROUP, resource: 'pods', namespace, name });
    const pod = await registry.get(resources.pods, name, { namespace }).catch(() => undefined);
    const [m] = pod ? await podMetricsOf([pod]) : [];
    if (!m) throw metricsNotFound('podmetrics', `${namespace}/${name}`);
    return json(reply, m);
  });

  // nodes/<name>/proxy/<path>: GET through to the kubelet
  const proxy = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { name, '*': rest } = req.params as { name: string; '*'?: string };
    await authorize(req, { verb: 'get', group: '', resource: 'nodes', subresource: 'proxy', name });
    const node = await registry.get(resources.nodes, name);
    const qi = req.url.indexOf('?');
    const query = new URLSearchParams(qi >= 0 ? req.url.slice(qi + 1) : '');
    if (!query.has('node')) query.set('node', name);
    const url = `${kubeletURL(node)}/${rest ?? ''}?${query.toString()}`;
    let res: Response;
    try {
      res = await fetchImpl(url, { signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw failure(503, 'ServiceUnavailable', `error trying to reach service: ${(err as Error).message}`);
    }
    const body = Buffer.from(await res.arrayBuffer());
    return reply.code(res.status).header('Content-Type', res.headers.get('content-type') ?? 'application/octet-stream').send(body);
  };
  app.get('/api/v1/nodes/:name/proxy', proxy);
  app.get('/api/v1/nodes/:name/proxy/*', proxy);
}
