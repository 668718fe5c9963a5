// buildApp(): the fastify application, apart from listen() (tests use app.inject()).
// Order of a request: in-flight limit (watches exempt) → authentication (bearer token;
// /healthz, /livez, /readyz and /version are public) → route: discovery, health,
// metrics, /version, OpenAPI, subresource routes, metrics.k8s.io and nodes/proxy
// (../metricsapi), or the resource handler → every error a Status. Bodies are read raw
// (≤ 3 MiB) and decoded per route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { failure, noopLogger, routeNotFound, resources as sharedResources, tooManyRequests, unauthorized } from '@kubesim/shared';
import type { LoggerLike } from '@kubesim/shared';
import type { Registry, UserInfo } from '../registry/registry.ts';
import type { TokenAuthenticator } from '../auth/tokens.ts';
import { ServiceAccountTokens } from '../auth/serviceaccount-token.ts';
import { allowAll, denied } from '../auth/authorizer.ts';
import { impersonationOf, type Impersonation } from '../auth/impersonation.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import { metricsResources, registerKubeletRoutes } from '../metricsapi/routes.ts';
import { registerPodServiceProxy } from './pod-service-proxy.ts';
import { registerOpenAPI } from '../openapi/routes.ts';
import { registerSubresources } from '../subresources/index.ts';
import { MAX_BODY_BYTES, PATCH_TYPES } from './body.ts';
import { AGGREGATED_V2, AGGREGATED_V2BETA1, Discovery, wantsAggregated } from './discovery.ts';
import { toApiError } from './errors.ts';
import { ApiMetrics } from './metrics.ts';
import { makeResourceHandler } from './resources.ts';
import type { RequestState } from './resources.ts';
import { reviewTypes } from './reviews.ts';
import { serveWebSocketWatch } from './websocket.ts';
import { versionInfo } from './version.ts';

export interface AppOptions {
  registry: Registry;
  /** undefined: no authentication (insecure HTTP mode; everyone is the admin) */
  authenticator?: TokenAuthenticator;
  /** issues serviceaccounts/token and authenticates what it issued; by default a key of its own */
  serviceAccountTokens?: ServiceAccountTokens;
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

const BEARER = /^bearer\s+/i;

function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const m = BEARER.exec(h);
    if (m) return h.slice(m[0].length).trim();
  }
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string') {
    for (const p of proto.split(',').map((s) => s.trim())) {
      const prefix = 'base64url.bearer.authorization.k8s.io.';
      if (p.startsWith(prefix)) return Buffer.from(p.slice(prefix.length), 'base64url').toString('utf8');
    }
  }
  return undefined;
}

type InflightKind = 'mutating' | 'readOnly';

/** a request's state (req.kube), kept on its response until the response closes */
class TrackedRequest implements RequestState {
  user: UserInfo = ANONYMOUS;
  verb: string;
  resource = '';
  /** undefined for a watch (exempt from the in-flight limits) */
  kind: InflightKind | undefined = undefined;
  constructor(
    readonly method: string,
    readonly url: string,
    public longRunning: boolean,
    readonly start: number,
  ) {
    this.verb = method.toLowerCase();
  }
}

const TRACKED = Symbol('kubesim.request');
type TrackedResponse = ServerResponse & { [TRACKED]?: TrackedRequest | undefined };

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { registry } = opts;
  const log = opts.logger ?? noopLogger;
  const authorizer = opts.authorizer ?? allowAll;
  const maxRead = opts.maxReadInFlight ?? 400;
  const maxMutating = opts.maxMutatingInFlight ?? 200;
  const maxWatchBuffer = opts.maxWatchBufferBytes ?? 16 * 1024 * 1024;
  const now = (): number => registry.clock.now();
  const serviceAccountTokens = opts.serviceAccountTokens ?? new ServiceAccountTokens();
  /** a static token from the token file, else a ServiceAccount token this server signed */
  const authenticate = (authenticator: TokenAuthenticator, token: string): UserInfo | undefined =>
    authenticator.authenticate(token, Date.now()) ?? serviceAccountTokens.authenticate(token, Date.now());
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
  // Bodies stay raw Buffers. The catch-all '*' alone would be found only after fastify
  // parses the Content-Type anew on every request (it caches the parsers it finds by type,
  // not the catch-all), so the common types get the same parser under their own names.
  const rawParser = { parseAs: 'buffer' as const, bodyLimit: MAX_BODY_BYTES };
  const keepRaw = (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => done(null, body);
  app.addContentTypeParser('*', rawParser, keepRaw);
  app.addContentTypeParser(['application/json', ...Object.keys(PATCH_TYPES), 'application/yaml', 'application/vnd.kubernetes.protobuf'], rawParser, keepRaw);

  // ---- in-flight limits, authentication, metrics, request log ----
  // The hook is synchronous (fastify catches what it throws) and the response's 'close'
  // listener is one function shared by every request, reading the request's state from
  // the response: no promise, closure or once-wrapper per request. The in-flight gauge
  // is read from the two counters when scraped.
  let readInFlight = 0;
  let mutatingInFlight = 0;
  // the kinds in the order first seen (the gauge's label sets, as prom-client would list them)
  const inflightKinds: InflightKind[] = [];
  const inflightNow = (kind: InflightKind): number => (kind === 'mutating' ? mutatingInFlight : readInFlight);
  metrics.sampleInflight(() => inflightKinds.map((k) => [k, inflightNow(k)]));
  function onResponseClose(this: TrackedResponse): void {
    const state = this[TRACKED];
    if (state === undefined) return;
    this[TRACKED] = undefined;
    const kind = state.kind;
    if (kind === 'mutating') mutatingInFlight--;
    else if (kind === 'readOnly') readInFlight--;
    const code = this.statusCode;
    const resource = state.resource || 'nonresource';
    const verb = state.verb.toUpperCase();
    metrics.requests.inc({ verb, resource, code: String(code) });
    if (!state.longRunning) {
      const secs = (performance.now() - state.start) / 1e3;
      metrics.latency.observe({ verb, resource }, secs);
      if (debugEnabled()) log.debug({ method: state.method, url: state.url.split('?')[0], code, ms: Math.round(secs * 1e4) / 10, user: state.user.username }, 'request');
    } else if (debugEnabled()) {
      log.debug({ method: state.method, url: state.url.split('?')[0], code, user: state.user.username }, 'watch closed');
    }
  }
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const start = performance.now();
    const method = req.method;
    const url = req.url;
    const state = new TrackedRequest(method, url, isWatchUrl(url), start);
    req.kube = state;
    if (!state.longRunning) {
      const mutating = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
      if (mutating ? mutatingInFlight >= maxMutating : readInFlight >= maxRead) {
        reply.header('Retry-After', '1');
        throw tooManyRequests('Too many requests, please try again later.', 1);
      }
      let kind: InflightKind;
      if (mutating) {
        mutatingInFlight++;
        kind = 'mutating';
      } else {
        readInFlight++;
        kind = 'readOnly';
      }
      state.kind = kind;
      if (!inflightKinds.includes(kind)) inflightKinds.push(kind);
    }
    const res = reply.raw as TrackedResponse;
    res[TRACKED] = state;
    res.on('close', onResponseClose);
    if (!opts.authenticator) {
      state.user = ADMIN;
    } else {
      const token = bearerToken(req.raw);
      const user = token ? authenticate(opts.authenticator, token) : undefined;
      if (user) state.user = user;
      else if (!PUBLIC_PATHS.test(url)) throw unauthorized('Unauthorized');
    }
    const impersonation = impersonationOf(req.raw);
    if (!impersonation) {
      done();
      return;
    }
    actAs(state, impersonation).then(
      () => done(),
      (err: unknown) => done(err as Error),
    );
  });

  /** switch the request to the impersonated user once the caller may impersonate it */
  async function actAs(state: RequestState, impersonation: Impersonation): Promise<void> {
    for (const check of impersonation.checks) {
      const attrs = { ...check, user: state.user };
      if (!(await authorizer.authorize(attrs)).allowed) throw denied(attrs);
    }
    state.user = impersonation.user;
  }

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
    void reply.code(404).header('Content-Type', 'application/json').send(JSON.stringify(routeNotFound().status));
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
    if (!list) throw routeNotFound();
    return reply.header('Content-Type', 'application/json').send(JSON.stringify(list));
  });
  app.get('/apis/:group', async (req, reply) => {
    const { group } = req.params as { group: string };
    const g = discovery.apiGroup(group);
    if (!g) throw routeNotFound();
    return reply.header('Content-Type', 'application/json').send(JSON.stringify(g));
  });
  app.get('/apis/:group/:version', async (req, reply) => {
    const { group, version } = req.params as { group: string; version: string };
    const list = discovery.resourceList(group, version);
    if (!list) throw routeNotFound();
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
  registerSubresources(app, registry, { serviceAccountTokens });
  registerKubeletRoutes(app, { registry, authorizer });
  registerPodServiceProxy(app, { registry, authorizer });

  // ---- WebSocket watches (Upgrade on the same URLs) ----
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (code: number, text: string): void => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(failure(code, code === 401 ? 'Unauthorized' : code === 404 ? 'NotFound' : 'BadRequest', text).status)}`);
    };
    let user: UserInfo = ADMIN;
    if (opts.authenticator) {
      const token = bearerToken(req);
      const u = token ? authenticate(opts.authenticator, token) : undefined;
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
