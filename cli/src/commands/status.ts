// `kubesim status`: is each component of the cluster alive, with which pid and how many
// restarts, is the apiserver ready, and what is the store's revision and size on disk.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubeconfig, resources, createHttpClient } from '@kubesim/shared';
import { helpText, parseFlags, UsageError } from '../flags.ts';
import { httpText } from '../http-get.ts';
import { layout, type ClusterFile } from '../up/layout.ts';

const flagsSpec = { 'data-dir': { type: 'string', help: 'the cluster', default: '.kubesim' } } as const;

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function dirSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

export async function status(argv: string[]): Promise<void> {
  const { flags, help } = parseFlags(argv, flagsSpec);
  if (help) return console.log(helpText('kubesim status [--data-dir DIR]', "Each component's health, pid and restarts, and the store's revision and size.", flagsSpec));
  const paths = layout(flags['data-dir']!);
  if (!existsSync(paths.clusterFile)) throw new UsageError(`no cluster has run in ${paths.dir} (start one with \`kubesim up\`)`);
  const cluster = JSON.parse(readFileSync(paths.clusterFile, 'utf8')) as ClusterFile;
  if (!alive(cluster.pid)) {
    console.log(`kubesim up (pid ${cluster.pid}) is not running; last state below`);
  }
  const conn = loadKubeconfig(paths.kubeconfig);
  const ready = await httpText(`${cluster.server}/readyz`, { ca: conn.ca?.toString(), token: conn.token }).then(
    (r) => (r.status === 200 ? 'ready' : `not ready (${r.status})`),
    (e: Error) => `unreachable (${e.message})`,
  );
  console.log(`apiserver ${cluster.server}: ${ready}`);
  console.log(`${'COMPONENT'.padEnd(20)} ${'STATUS'.padEnd(10)} ${'PID'.padEnd(8)} RESTARTS`);
  for (const c of cluster.components) {
    const up = c.running && alive(c.pid);
    console.log(`${c.name.padEnd(20)} ${(up ? 'running' : 'down').padEnd(10)} ${String(c.pid ?? '-').padEnd(8)} ${c.restarts}`);
  }
  try {
    const client = createHttpClient({ ...conn, userAgent: 'kubesim-status' });
    const list = await client.list(resources.namespaces, { limit: 1 });
    console.log(`store revision ${list.metadata.resourceVersion ?? '?'}, ${(dirSize(join(paths.dir, 'store')) / 1024 / 1024).toFixed(1)} MiB on disk`);
    client.close();
  } catch (err) {
    console.log(`store: unknown (${(err as Error).message})`);
  }
}
