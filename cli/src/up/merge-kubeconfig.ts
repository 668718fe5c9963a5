// `kubesim up --merge-kubeconfig`: copy the admin kubeconfig's cluster, user and context
// (all named `kubesim`) into ~/.kube/config (or $KUBECONFIG's first file), replacing
// entries of the same name and leaving everything else, including current-context, alone.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

interface Named {
  name: string;
}
interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [k: string]: unknown;
}

function replaceNamed<T extends Named>(list: T[] | undefined, items: T[] | undefined): T[] {
  const names = new Set((items ?? []).map((i) => i.name));
  return [...(list ?? []).filter((i) => !names.has(i.name)), ...(items ?? [])];
}

export function mergeKubeconfig(fromPath: string, intoPath = (process.env['KUBECONFIG'] ?? '').split(':')[0] || join(homedir(), '.kube', 'config')): string {
  const from = parse(readFileSync(fromPath, 'utf8')) as Kubeconfig;
  const into: Kubeconfig = existsSync(intoPath) ? ((parse(readFileSync(intoPath, 'utf8')) as Kubeconfig | null) ?? {}) : { apiVersion: 'v1', kind: 'Config' };
  into.clusters = replaceNamed(into.clusters, from.clusters);
  into.users = replaceNamed(into.users, from.users);
  into.contexts = replaceNamed(into.contexts, from.contexts);
  if (!into['current-context']) into['current-context'] = from['current-context'] ?? 'kubesim';
  mkdirSync(dirname(intoPath), { recursive: true });
  writeFileSync(intoPath, stringify(into), { mode: 0o600 });
  return intoPath;
}
