// buildApp(): the fastify application, apart from listen() (tests use app.inject()).
// Order of a request: in-flight limit (watches exempt) → authentication (bearer token;
// /healthz, /livez, /readyz and /version are public) → route: discovery, health,
// metrics, /version, OpenAPI, subresource routes, metrics.k8s.io and nodes/proxy
// (../metricsapi), or the resource handler → every error a Status. Bodies are read raw
// (≤ 3 MiB) and decoded per route.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { failure, noopLogger, resources as sharedResources, tooManyRequests, unauthorized } from '@kubesim/shared';
import type { LoggerLike } from '@kubesim/shared';
import type { Registry, UserInfo } from '../registry/registry.ts';
import type { TokenAuthenticator } from '../auth/tokens.ts';
import { allowAll } from '../auth/authorizer.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import { metricsResources, registerKubeletRoutes } from '../metricsapi/routes.ts';
import { registerOpenAPI } from '../openapi/routes.ts';
import { registerSubresources } from '../subresources/index.ts';
import { MAX_BODY_BYTES } from './body.ts';
import { AGGREGATED_V2, AGGREGATED_V2BETA1, Discovery, wantsAggregated } from './discovery.ts';
import { toApiError } from './errors.ts';
import { ApiMetrics } from './metrics.ts';
import { makeResourceHandler } from './resources.ts';
import { reviewTypes } from './reviews.ts';
import { serveWebSocketWatch } from './websocket.ts';
import { versionInfo } from './version.ts';

export interface AppOptions {
  registry: Registry;
  /** undefined: no authentication (insecure HTTP mode; everyone is the admin) */
  authenticator?: TokenAuthenticator;
  authorizer?: Authorizer;
  https?: { key: string; cert: string };
  logger?: LoggerLike;
  maxReadInFlight?: number;
  maxMutatingInFlight?: number;
  /** a watcher with more unsent bytes than this is cut off */
  maxWatchBufferBytes?: number;
  /** host:port clients reach the server at (legacy /api discovery) */
  serverAddress?: string;
}

const PUBLIC_PATHS = /^\/(healthz|livez|readyz|version)(\/|$|\?)/;
const ADMIN: UserInfo = { username: 'kubesim-admin', groups: ['system:masters', 'system:authenticated'] };
const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

function isWatchUrl(url: string): boolean {
  if (!url.includes('watch')) return false;
  return /[?&]watch=(true|1)(&|$)/.test(url) || /^\/apis?\/(?:[^/?]+\/)?[^/?]+\/watch\//.test(url);
}

function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h && /^bearer\s+/i.test(h)) return h.replace(/^bearer\s+/i, '').trim();
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string') {
    for (const p of proto.split(',').map((s) => s.trim())) {
      const prefix = 'base64url.bearer.authorization.k8s.io.';
      if (p.startsWith(prefix)) return Buffer.from(p.slice(prefix.length), 'base64url').toString('utf8');
    }
  }
  return undefined;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { registry } = opts;
  const log = opts.logger ?? noopLogger;
  const authorizer = opts.authorizer ?? allowAll;
  const maxRead = opts.maxReadInFlight ?? 400;
  const maxMutating = opts.maxMutatingInFlight ?? 200;
  const maxWatchBuffer = opts.maxWatchBufferBytes ?? 16 * 1024 * 1024;
  const now = (): number => registry.clock.now();
  // request log lines are built only when someone will read them
  const levels = log as { isLevelEnabled?: (level: string) => boolean };
  const debugEnabled = (): boolean => log !== noopLogger && (levels.isLevelEnabled?.('debug') ?? true);

  const makeApp = Fastify as unknown as (o: Record<string, unknown>) => FastifyInstance;
  const app = makeApp({
    ...(opts.https ? { https: { key: opts.https.key, cert: opts.https.cert } } : {}),
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: 2048 },
    // errors fastify raises before routing (a malformed URL, a bad content type header)
    frameworkErrors: (err: unknown, _req: FastifyRequest, reply: FastifyReply) => {
      const { error } = toApiError(err);
      void reply.code(error.code).header('Content-Type', 'application/json').send(JSON.stringify(error.status));
    },
  });

  const metrics = new ApiMetrics({
    revision: () => registry.store.currentRevision(),
    objects: () => registry.resources.map((r) => [r.group ? `${r.resource}.${r.group}` : r.resource, registry.cache.count(`/registry/${r.group || 'core'}/${r.resource}/`)]),
  });
  const discovery = new Discovery([
    ...registry.resources.map((t) => Discovery.allVerbs(t)),
    ...reviewTypes.map((type) => ({ type, verbs: ['create'] })),
    ...metricsResources.map((type) => ({ type, verbs: ['get', 'list'] })),
  ]);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  // ---- in-flight limits, authentication, metrics, request log ----
  let readInFlight = 0;
  let mutatingInFlight = 0;
  app.addHook('onRequest', async (req, reply) => {
    const start = process.hrtime.bigint();
    req.kube = { user: ANONYMOUS, verb: req.method.toLowerCase(), resource: '', longRunning: isWatchUrl(req.url) };
    // in flight: undefined for a watch (exempt), else the kind of request counted
    let kind: 'mutating' | 'readOnly' | undefined;
    if (!req.kube.longRunning) {
      const mutating = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
      if (mutating ? mutatingInFlight >= maxMutating : readInFlight >= maxRead) {
        reply.header('Retry-After', '1');
        throw tooManyRequests('Too many requests, please try again later.', 1);
      }
      if (mutating) mutatingInFlight++;
      else readInFlight++;
      kind = mutating ? 'mutating' : 'readOnly';
      metrics.inflight.inc({ request_kind: kind });
    }
    // one listener per request (this runs for every request)
    reply.raw.once('close', () => {
      if (kind === 'mutating') mutatingInFlight--;
      else if (kind === 'readOnly') readInFlight--;
      if (kind) metrics.inflight.dec({ request_kind: kind });
      const code = String(reply.raw.statusCode);
      const resource = req.kube.resource || 'nonresource';
      metrics.requests.inc({ verb: req.kube.verb.toUpperCase(), resource, code });
      if (!req.kube.longRunning) {
        const secs = Number(process.hrtime.bigint() - start) / 1e9;
        metrics.latency.observe({ verb: req.kube.verb.toUpperCase(), resource }, secs);
        if (debugEnabled()) log.debug({ method: req.method, url: req.url.split('?')[0], code: reply.raw.statusCode, ms: Math.round(secs * 1e4) / 10, user: req.kube.user.username }, 'request');
      } else if (debugEnabled()) {
        log.debug({ method: req.method, url: req.url.split('?')[0], code: reply.raw.statusCode, user: req.kube.user.username }, 'watch closed');
      }
    });
    if (!opts.authenticator) {
      req.kube.user = ADMIN;
      return;
    }
    const token = bearerToken(req.raw);
    const user = token ? opts.authenticator.authenticate(token, Date.now()) : undefined;
    if (user) req.kube.user = user;
    else if (!PUBLIC_PATHS.test(req.url)) throw unauthorized('Unauthorized');
  });

  app.setErrorHandler((err, req, reply) => {
    const { error, bug } = toApiError(err);
    if (bug) log.error({ err: String((err as Error)?.stack ?? err), url: req.url.split('?')[0] }, 'internal error');
    // Retry-After only when the Status asks for a delay: a PodDisruptionBudget's refusal has
    // none, so clients report it at once instead of retrying silently (as Kubernetes).
    const retryAfter = error.status.details?.retryAfterSeconds;
    if (error.code === 429 && retryAfter !== undefined && retryAfter > 0) reply.header('Retry-After', String(retryAfter));
    void reply.code(error.code).header('Content-Type', 'application/json').send(JSON.stringify(error.status));
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).header('Content-Type', 'application/json').send(JSON.stringify(failure(404, 'NotFound', 'the server could not find the requested resource').status));
  });

  // ---- non-resource endpoints ----
  const ok = async (_req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => reply.header('Content-Type', 'text/plain; charset=utf-8').send('ok');
  for (const p of ['/healthz', '/livez', '/readyz']) {
    app.get(p, ok);
    app.get(`${p}/*`, ok);
  }
  app.get('/version', async (_req, reply) => reply.header('Content-Type', 'application/json').send(JSON.stringify(versionInfo())));
  app.get('/metrics', async (_req, reply) => reply.header('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  const serverAddress = opts.serverAddress ?? '127.0.0.1:6443';
  const sendDiscovery = (reply: FastifyReply, accept: string | undefined, core: boolean): FastifyReply => {
    const agg = wantsAggregated(accept);
    reply.header('Vary', 'Accept');
    if (agg) return reply.header('Content-Type', agg === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1).send(Buffer.from(JSON.stringify(discovery.aggregated(core, agg))));
    return reply.header('Content-Type', 'application/json').send(JSON.stringify(core ? discovery.apiVersions(serverAddress) : discovery.apiGroupList()));
  };
  app.get('/api', async (req, reply) => sendDiscovery(reply, req.headers.accept, true));
  app.get('/apis', async (req, reply) => sendDiscovery(reply, req.headers.accept, false));
  app.get('/api/:version', async (req, reply) => {
    const { version } = req.params as { version: string };
    const list = discovery.resourceList('', version);
    if (!list) throw failure(404, 'NotFound', 'the server could not find the requested resource');
    return reply.header('Content-Type', 'application/json').send(JSON.stringify(list));
  });
  app.get('/apis/:group', async (req, reply) => {
    const { group } = req.params as { group: string };
    const g = discovery.apiGroup(group);
    if (!g) throw failure(404, 'NotFound', 'the server could not find the requested resource');
    return reply.header('Content-Type', 'application/json').send(JSON.stringify(g));
  });
  app.get('/apis/:group/:version', async (req, reply) => {
    const { group, version } = req.params as { group: string; version: string };
    const list = discovery.resourceList(group, version);
    if (!list) throw failure(404, 'NotFound', 'the server could not find the requested resource');
    return reply.header('Content-Type', 'application/json').send(JSON.stringify(list));
  });

  // ---- resources ----
  const handler = makeResourceHandler({
    registry,
    authorizer,
    now,
    maxWatchBufferBytes: maxWatchBuffer,
    onWatchStart: (r) => metrics.watches.inc({ resource: r }),
    onWatchEnd: (r) => metrics.watches.dec({ resource: r }),
  });
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
  app.route({ method: [...methods], url: '/api/*', handler });
  app.route({ method: [...methods], url: '/apis/*', handler });

  // ---- part 2 ----
  registerOpenAPI(app);
  registerSubresources(app, registry);
  registerKubeletRoutes(app, { registry, authorizer });

  // ---- WebSocket watches (Upgrade on the same URLs) ----
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (code: number, text: string): void => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(failure(code, code === 401 ? 'Unauthorized' : code === 404 ? 'NotFound' : 'BadRequest', text).status)}`);
    };
    let user: UserInfo = ADMIN;
    if (opts.authenticator) {
      const token = bearerToken(req);
      const u = token ? opts.authenticator.authenticate(token, Date.now()) : undefined;
      if (!u) return refuse(401, 'Unauthorized');
      user = u;
    }
    const url = req.url ?? '/';
    if (!isWatchUrl(url) || req.method !== 'GET') return refuse(404, 'the server could not find the requested resource');
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveWebSocketWatch({ registry, authorizer, user, url, ws, protocol: ws.protocol, maxBufferedBytes: maxWatchBuffer, metrics }).catch((err: unknown) => {
        const { error } = toApiError(err);
        ws.close(1011, error.message.slice(0, 100));
      });
    });
  });
  app.addHook('onClose', async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  void sharedResources;
  return app;
}
