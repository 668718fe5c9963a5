// The `proxy` subresources of pods and services: the apiserver passes an HTTP request on to
// a pod, as `kubectl proxy` users and `kubectl get --raw` rely on:
//   /api/v1/namespaces/<ns>/pods/<[scheme:]name[:port]>/proxy/<path>
//   /api/v1/namespaces/<ns>/services/<[scheme:]name[:port]>/proxy/<path>
// What Kubernetes does: for a pod, dial podIP:port (port 80 when none is given). For a
// service, a port given as a number is first turned into the name of the service port with
// that number (none: 503 "no service port N found"); then one address of the service's
// Endpoints that has a port of that name is picked (the endpoints' ready addresses; none:
// 503 "no endpoints available for service"). The request goes there with its method,
// path, query and body, and the answer comes back as it is.
// kubesim: pod IPs are not routable on this machine, so the pod's port is reached at the
// loopback address kubelet-sim publishes on the pod (`kubesim.io/backend-<port>`); a port
// that no container serves answers 503 as a refused connection would. Kubernetes picks an
// address at random; kubesim takes them in turn, so the rotation can be seen. Only plain
// HTTP: a `https:` scheme is a 503. No rewriting of links in HTML answers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, failure, podBackendAddress, resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import type { Authorizer } from '../auth/authorizer.ts';
import { authorizeRoute } from './authorize-route.ts';
import type { Registry } from '../registry/registry.ts';

type Fetch = typeof fetch;
const PROXY_TIMEOUT_MS = 30_000;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', OPTIONS: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** request headers that belong to the hop to the apiserver, not to the pod */
const HOP_HEADERS = new Set(['authorization', 'connection', 'host', 'keep-alive', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'impersonate-user', 'impersonate-group', 'impersonate-uid']);

export interface ProxyTarget {
  scheme: string;
  name: string;
  port: string;
}

/** `[scheme:]name[:port]`, as Kubernetes splits a proxy id; undefined when malformed */
export function splitSchemeNamePort(id: string): ProxyTarget | undefined {
  const parts = id.split(':');
  if (parts.length === 1) return { scheme: '', name: parts[0]!, port: '' };
  if (parts.length === 2) return { scheme: '', name: parts[0]!, port: parts[1]! };
  if (parts.length === 3 && (parts[0] === 'http' || parts[0] === 'https' || parts[0] === '')) return { scheme: parts[0]!, name: parts[1]!, port: parts[2]! };
  return undefined;
}

const unavailable = (message: string): Error => failure(503, 'ServiceUnavailable', message);

/** the loopback address kubelet-sim serves `pod`'s `port` at, or a 503 as a refused dial */
function backendOf(pod: KubeObject, port: number): string {
  const at = podBackendAddress(pod, port);
  if (at) return at;
  const ip = (pod as { status?: { podIP?: string } }).status?.podIP;
  throw unavailable(`error trying to reach service: dial tcp ${ip ?? '<none>'}:${port}: connect: connection refused`);
}

interface EndpointsLike {
  subsets?: Array<{ addresses?: Array<{ ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }>; ports?: Array<{ name?: string; port: number }> }>;
}
interface ServiceLike {
  spec?: { ports?: Array<{ name?: string; port: number }> };
}

export interface PodServiceProxyOptions {
  registry: Registry;
  authorizer: Authorizer;
  fetch?: Fetch;
}

export function registerPodServiceProxy(app: FastifyInstance, opts: PodServiceProxyOptions): void {
  const { registry } = opts;
  const fetchImpl = opts.fetch ?? fetch;
  /** the next address to take per service port, for the rotation */
  const turns = new Map<string, number>();

  const authorize = (req: FastifyRequest, resource: 'pods' | 'services', namespace: string, name: string): Promise<void> =>
    authorizeRoute(req, opts.authorizer, { verb: VERBS[req.method] ?? 'get', group: '', resource, subresource: 'proxy', namespace, name });

  const target = (id: string, resource: string): ProxyTarget => {
    const t = splitSchemeNamePort(id);
    if (!t || !t.name) throw badRequest(`invalid ${resource} request "${id}"`);
    return t;
  };
  /** checked once the object is known to exist, which decides first (404) */
  const plainHttp = (t: ProxyTarget): void => {
    if (t.scheme === 'https') throw unavailable('error trying to reach service: kubesim serves pods over plain HTTP only');
  };

  /** the service port's address: a loopback backend of one of its endpoints' pods, in turn */
  const serviceBackend = async (namespace: string, svc: ServiceLike, t: ProxyTarget): Promise<string> => {
    let portName = t.port;
    if (/^\d+$/.test(portName)) {
      const declared = svc.spec?.ports?.find((p) => p.port === Number(portName));
      if (!declared) throw unavailable(`no service port ${Number(portName)} found for service "${t.name}"`);
      portName = declared.name ?? '';
    }
    const eps = (await registry.get(resources.endpoints, t.name, { namespace }).catch(() => undefined)) as (KubeObject & EndpointsLike) | undefined;
    const candidates: Array<{ pod: string; port: number }> = [];
    for (const ss of eps?.subsets ?? []) {
      const port = ss.ports?.find((p) => (p.name ?? '') === portName);
      if (!port) continue;
      for (const a of ss.addresses ?? []) if (a.targetRef?.kind === 'Pod' && a.targetRef.name) candidates.push({ pod: a.targetRef.name, port: port.port });
    }
    if (!candidates.length) throw unavailable(`no endpoints available for service "${t.name}"`);
    const key = `${namespace}/${t.name}:${portName}`;
    const first = (turns.get(key) ?? 0) % candidates.length;
    turns.set(key, first + 1);
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[(first + i) % candidates.length]!;
      const pod = await registry.get(resources.pods, c.pod, { namespace }).catch(() => undefined);
      const at = pod && podBackendAddress(pod, c.port);
      if (at) return at;
    }
    throw unavailable(`no endpoints available for service "${t.name}"`);
  };

  const forward = async (req: FastifyRequest, reply: FastifyReply, address: string, rest: string | undefined): Promise<FastifyReply> => {
    const qi = req.url.indexOf('?');
    const url = `http://${address}/${rest ?? ''}${qi >= 0 ? req.url.slice(qi) : ''}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const body = req.body instanceof Buffer && req.body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? req.body : undefined;
    let res: Response;
    try {
      res = await fetchImpl(url, { method: req.method, headers, ...(body ? { body } : {}), signal: AbortSignal.timeout(PROXY_TIMEOUT_MS) });
    } catch (err) {
      throw unavailable(`error trying to reach service: ${(err as Error).message}`);
    }
    const answer = Buffer.from(await res.arrayBuffer());
    return reply
      .code(res.status)
      .header('Content-Type', res.headers.get('content-type') ?? 'application/octet-stream')
      .send(answer);
  };

  const pod = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { namespace, id, '*': rest } = req.params as { namespace: string; id: string; '*'?: string };
    const t = target(id, 'pod');
    await authorize(req, 'pods', namespace, t.name);
    const p = await registry.get(resources.pods, t.name, { namespace });
    plainHttp(t);
    const port = t.port === '' ? 80 : Number(t.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw unavailable(`error trying to reach service: invalid port "${t.port}"`);
    return forward(req, reply, backendOf(p, port), rest);
  };

  const service = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { namespace, id, '*': rest } = req.params as { namespace: string; id: string; '*'?: string };
    const t = target(id, 'service');
    await authorize(req, 'services', namespace, t.name);
    const svc = (await registry.get(resources.services, t.name, { namespace })) as ServiceLike; // a missing service: 404
    plainHttp(t);
    return forward(req, reply, await serviceBackend(namespace, svc, t), rest);
  };

  for (const [path, handler] of [
    ['pods', pod],
    ['services', service],
  ] as const) {
    app.route({ method: [...METHODS], url: `/api/v1/namespaces/:namespace/${path}/:id/proxy`, handler });
    app.route({ method: [...METHODS], url: `/api/v1/namespaces/:namespace/${path}/:id/proxy/*`, handler });
  }
}
