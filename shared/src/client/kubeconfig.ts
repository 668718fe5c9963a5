// Reading a kubeconfig file, as kubectl does, into what createHttpClient needs: the
// context (current-context unless one is named) picks a cluster (server, CA as
// certificate-authority-data or a certificate-authority file, insecure-skip-tls-verify)
// and a user (token or tokenFile, or a client certificate and key, inline or as files).
// Relative file paths are relative to the kubeconfig's folder. Exec and auth-provider
// plugins are not supported. `loadKubeconfig(path)` or `loadKubeconfig(yamlText)`.
// kubesim's own cluster extension `kubesim.io/local-socket` ({ path }) sends the requests
// over the apiserver's Unix socket instead (kubectl ignores extensions it does not know).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { HttpClientOptions } from './http-client.ts';

export interface KubeconfigConnection extends HttpClientOptions {
  server: string;
  /** the context used, and the cluster and user it names */
  context: string;
  cluster: string;
  user: string;
  /** the context's namespace, if it sets one */
  namespace?: string;
}

interface NamedEntry {
  name?: string;
  [field: string]: unknown;
}

interface RawCluster {
  server?: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  extensions?: unknown;
}

/** the name of the cluster extension that points at the apiserver's local Unix socket */
export const LOCAL_SOCKET_EXTENSION = 'kubesim.io/local-socket';

interface RawUser {
  token?: string;
  tokenFile?: string;
  'client-certificate-data'?: string;
  'client-certificate'?: string;
  'client-key-data'?: string;
  'client-key'?: string;
}

interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/** `source` is a kubeconfig's YAML text, or the path of a kubeconfig file */
export function loadKubeconfig(source: string, opts: { context?: string } = {}): KubeconfigConnection {
  const isText = source.includes('\n') || /^\s*(apiVersion|kind|clusters|\{)/.test(source);
  if (isText) return parseKubeconfig(source, opts);
  const text = readFileSync(source, 'utf8');
  return parseKubeconfig(text, { ...opts, baseDir: path.dirname(path.resolve(source)) });
}

export function parseKubeconfig(text: string, opts: { context?: string; baseDir?: string } = {}): KubeconfigConnection {
  const doc = (YAML.parse(text) ?? {}) as Record<string, unknown>;
  const baseDir = opts.baseDir ?? process.cwd();
  const readFile = (p: string): string => readFileSync(path.resolve(baseDir, p), 'utf8');
  const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

  const contextName = opts.context ?? (doc['current-context'] as string | undefined);
  if (!contextName) throw new KubeconfigError('current-context is not set');
  const context = pick<RawContext>(doc, 'contexts', 'context', contextName);
  if (!context) throw new KubeconfigError(`context "${contextName}" does not exist`);
  const clusterName = context.cluster ?? '';
  const cluster = pick<RawCluster>(doc, 'clusters', 'cluster', clusterName);
  if (!cluster) throw new KubeconfigError(`cluster "${clusterName}" does not exist (context "${contextName}")`);
  if (!cluster.server) throw new KubeconfigError(`cluster "${clusterName}" has no server`);
  const userName = context.user ?? '';
  const user = (userName ? pick<RawUser>(doc, 'users', 'user', userName) : undefined) ?? {};

  const out: KubeconfigConnection = { server: cluster.server, context: contextName, cluster: clusterName, user: userName };
  if (context.namespace) out.namespace = context.namespace;
  if (cluster['certificate-authority-data']) out.ca = decode(cluster['certificate-authority-data']);
  else if (cluster['certificate-authority']) out.ca = readFile(cluster['certificate-authority']);
  if (cluster['insecure-skip-tls-verify']) out.insecureSkipTLSVerify = true;
  const socketPath = localSocketOf(cluster.extensions);
  if (socketPath !== undefined) out.socketPath = path.resolve(baseDir, socketPath);
  if (user.token) out.token = user.token;
  else if (user.tokenFile) out.token = readFile(user.tokenFile).trim();
  if (user['client-certificate-data']) out.clientCert = decode(user['client-certificate-data']);
  else if (user['client-certificate']) out.clientCert = readFile(user['client-certificate']);
  if (user['client-key-data']) out.clientKey = decode(user['client-key-data']);
  else if (user['client-key']) out.clientKey = readFile(user['client-key']);
  return out;
}

/** the path in a cluster's `kubesim.io/local-socket` extension, if it has one */
function localSocketOf(extensions: unknown): string | undefined {
  if (!Array.isArray(extensions)) return undefined;
  const entry = (extensions as NamedEntry[]).find((e) => e?.name === LOCAL_SOCKET_EXTENSION);
  const p = (entry?.['extension'] as { path?: unknown } | undefined)?.path;
  if (entry && typeof p !== 'string') throw new KubeconfigError(`extension ${LOCAL_SOCKET_EXTENSION} needs a path`);
  return p as string | undefined;
}

/** the `field` of the entry named `name` in the list `doc[list]` */
function pick<T>(doc: Record<string, unknown>, list: string, field: string, name: string): T | undefined {
  const entries = doc[list];
  if (!Array.isArray(entries)) return undefined;
  const entry = (entries as NamedEntry[]).find((e) => e?.name === name);
  return entry ? ((entry[field] ?? {}) as T) : undefined;
}
