// Kubeconfig files for kubectl and the components: one cluster (`kubesim`, the CA
// embedded), one user with a bearer token, one context `kubesim` made current. The admin
// kubeconfig lives at <dataDir>/kubeconfig; ~/.kube/config is never touched. A
// component's kubeconfig may also name the apiserver's local Unix socket (the cluster
// extension `kubesim.io/local-socket`): kubesim's clients then use it, kubectl ignores it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LOCAL_SOCKET_EXTENSION } from '@kubesim/shared';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  /** PEM; omitted for --insecure-http */
  caCert?: string;
  token?: string;
  user?: string;
  context?: string;
  /** the apiserver's local Unix socket, for kubesim's own clients */
  socketPath?: string;
}

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const name = spec.context ?? 'kubesim';
  const user = spec.user ?? 'kubesim-admin';
  const cluster: Record<string, unknown> = { server: spec.server };
  if (spec.caCert) cluster['certificate-authority-data'] = Buffer.from(spec.caCert).toString('base64');
  if (spec.socketPath) cluster['extensions'] = [{ name: LOCAL_SOCKET_EXTENSION, extension: { path: spec.socketPath } }];
  const u: Record<string, unknown> = {};
  if (spec.token) u['token'] = spec.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name: user, user: u }],
    contexts: [{ name, context: { cluster: name, user, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/** write a kubeconfig (mode 0600) */
export function writeKubeconfig(path: string, spec: KubeconfigSpec): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(spec), { mode: 0o600 });
}
