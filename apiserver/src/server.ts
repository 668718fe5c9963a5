// startApiserver(): the whole apiserver as one call, for the CLI and end-to-end tests.
// Opens the store (level in <dataDir>/store, or memory), makes or loads the TLS material
// and the token file, starts the registry (watch cache, default namespaces, the
// `kubernetes` Service), listens, and writes the admin kubeconfig to <dataDir>/kubeconfig.
//
//   const api = await startApiserver({ dataDir, port: 6443, store: 'level' });
//   api.url; api.kubeconfigPath; api.registry; await api.close();
//
// `insecureHttp` serves plain HTTP without authentication (kubectl sends no token over
// HTTP anyway); it is for debugging only and never the default. `socketPath` also serves
// the API on a local Unix socket, for the components on this machine (http/local-socket.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allResources, createLogger, realClock, systemRandom } from '@kubesim/shared';
import type { Clock, LoggerLike, Random, ResourceType } from '@kubesim/shared';
import { createMemoryStore, openLevelStore } from '@kubesim/store';
import type { KV } from '@kubesim/store';
import type { FastifyInstance } from 'fastify';
import { ensureTls } from './auth/certs.ts';
import { writeKubeconfig } from './auth/kubeconfig.ts';
import { ADMIN_USER, TokenAuthenticator, ensureTokenFile, tokenFor } from './auth/tokens.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { ServiceAccountTokens, loadOrCreateServiceAccountKey } from './auth/serviceaccount-token.ts';
import { buildApp } from './http/app.ts';
import { serveLocalSocket } from './http/local-socket.ts';
import type { LocalSocket } from './http/local-socket.ts';
import { Registry } from './registry/registry.ts';

export interface ApiserverOptions {
  dataDir: string;
  /** 0 picks a free port */
  port: number;
  host?: string;
  store?: 'level' | 'memory' | KV;
  insecureHttp?: boolean;
  clock?: Clock;
  random?: Random;
  /** extra names/addresses for the serving certificate and the `kubernetes` endpoints */
  advertiseAddress?: string;
  logger?: LoggerLike;
  authorizer?: Authorizer;
  resources?: readonly ResourceType[];
  /** also serve on this Unix socket (plain HTTP, the same authentication) */
  socketPath?: string;
}

export interface ApiserverHandle {
  url: string;
  port: number;
  registry: Registry;
  app: FastifyInstance;
  /** the local Unix socket, when asked for one */
  socketPath?: string;
  /** the admin kubeconfig (absent for insecure HTTP) */
  kubeconfigPath?: string;
  caCert?: string;
  adminToken?: string;
  close(): Promise<void>;
}

export async function startApiserver(opts: ApiserverOptions): Promise<ApiserverHandle> {
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? systemRandom();
  const host = opts.host ?? '127.0.0.1';
  const logger = opts.logger ?? createLogger('apiserver');
  mkdirSync(opts.dataDir, { recursive: true });

  // a store opened here is closed here; a KV passed in belongs to the caller
  const ownsStore = opts.store === undefined || typeof opts.store === 'string';
  let store: KV;
  if (opts.store === 'memory') store = createMemoryStore({ clock, maxWatcherBuffer: 200_000 });
  else if (opts.store === undefined || opts.store === 'level') store = await openLevelStore({ dir: join(opts.dataDir, 'store'), clock, maxWatcherBuffer: 200_000 });
  else store = opts.store;

  const advertise = opts.advertiseAddress ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const tls = opts.insecureHttp ? undefined : await ensureTls(opts.dataDir, [advertise]);
  const authenticator = opts.insecureHttp ? undefined : new TokenAuthenticator(ensureTokenFile(opts.dataDir));

  const registry = new Registry({ store, clock, random, resources: opts.resources ?? allResources });
  const app = await buildApp({
    registry,
    ...(authenticator ? { authenticator } : {}),
    serviceAccountTokens: new ServiceAccountTokens(loadOrCreateServiceAccountKey(opts.dataDir)),
    ...(opts.authorizer ? { authorizer: opts.authorizer } : {}),
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
    logger,
  });
  await app.listen({ port: opts.port, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  // the socket listens before the registry is ready, as the port does: a component that
  // saw /readyz answer on the port finds the socket there
  let local: LocalSocket | undefined;
  try {
    local = opts.socketPath ? await serveLocalSocket(app, opts.socketPath) : undefined;
  } catch (err) {
    await app.close();
    if (ownsStore) await store.close();
    throw err;
  }
  registry.setAdvertise({ address: advertise, port });
  await registry.start();

  const hostPart = advertise.includes(':') ? `[${advertise}]` : advertise;
  const url = `${tls ? 'https' : 'http'}://${hostPart}:${port}`;
  const handle: ApiserverHandle = {
    url,
    port,
    registry,
    app,
    async close() {
      await local?.close();
      await app.close();
      await registry.stop();
      if (ownsStore) await store.close();
    },
  };
  if (local) handle.socketPath = local.path;
  if (tls) {
    const token = tokenFor(opts.dataDir, ADMIN_USER)!;
    const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, { server: url, caCert: tls.caCert, token });
    handle.kubeconfigPath = kubeconfigPath;
    handle.caCert = tls.caCert;
    handle.adminToken = token;
  }
  logger.info({ url, ...(local ? { socket: local.path } : {}), store: typeof opts.store === 'object' ? 'custom' : (opts.store ?? 'level') }, 'apiserver listening');
  return handle;
}

/** write a kubeconfig for the admin of a running apiserver to `path` */
export function writeAdminKubeconfig(path: string, api: Pick<ApiserverHandle, 'url' | 'caCert' | 'adminToken'>): void {
  const spec: Parameters<typeof writeKubeconfig>[1] = { server: api.url };
  if (api.caCert) spec.caCert = api.caCert;
  if (api.adminToken) spec.token = api.adminToken;
  writeKubeconfig(path, spec);
}
