// Where `kubesim up` keeps things inside the data dir:
//   kubeconfig                  the admin kubeconfig (context `kubesim`)
//   tokens.csv, pki/            written by the apiserver on first start
//   components/<name>.kubeconfig  one identity per component
//   logs/<name>.log             each component's output
//   run/cluster.json            pids, restarts and endpoints of the running cluster
//   run/apiserver.sock          the apiserver's local socket, which the components use
//   store/                      the level store

import { join, resolve } from 'node:path';

export const COMPONENTS = ['apiserver', 'scheduler', 'controller-manager', 'kubelet-sim', 'proxy-sim'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export function layout(dataDir: string) {
  const dir = resolve(dataDir);
  return {
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    componentKubeconfig: (name: string) => join(dir, 'components', `${name}.kubeconfig`),
    log: (name: string) => join(dir, 'logs', `${name}.log`),
    logs: join(dir, 'logs'),
    clusterFile: join(dir, 'run', 'cluster.json'),
    apiserverSocket: join(dir, 'run', 'apiserver.sock'),
  };
}

export interface ClusterFile {
  pid: number;
  server: string;
  startedAt: string;
  schedulerDebug?: string;
  components: { name: string; pid: number | undefined; restarts: number; running: boolean }[];
}
