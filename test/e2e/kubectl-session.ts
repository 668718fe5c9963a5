// One `kubesim up` cluster for a whole describe block, with the kubectl helpers every e2e
// suite uses: `ok` (a command that must exit 0; its stdout), `get`/`list` (kubectl's JSON),
// `file` (write a manifest into the cluster's dir). Call it at the top of a describe: it
// registers the beforeAll that starts the cluster (and waits for its 3 nodes to be Ready)
// and the afterAll that stops it and removes its temp dir.
//   const k = useKubectlCluster();
//   it('...', async () => { await k.ok('kubectl create deployment web --image=nginx'); });

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Cluster, type RunResult, newCluster } from './cluster.ts';

export interface KubectlSession {
  /** the running cluster (set once beforeAll ran) */
  readonly cluster: Cluster;
  run(command: string, timeoutMs?: number): Promise<RunResult>;
  /** run a command that must succeed; its stdout */
  ok(command: string, timeoutMs?: number): Promise<string>;
  /** `kubectl get <ref> -o json [extra]`, parsed */
  get<T = unknown>(ref: string, extra?: string): Promise<T>;
  /** the items of `kubectl get <ref> -o json` */
  list<T = unknown>(ref: string): Promise<T[]>;
  /** write `text` to `name` in the cluster's working dir; returns `name` */
  file(name: string, text: string): string;
}

export interface KubectlSessionOptions {
  /** extra flags for `kubesim up` */
  upArgs?: string[];
  /** work to do once the nodes are Ready (fixtures), inside the same beforeAll */
  setup?: (session: KubectlSession) => Promise<void>;
}

export function useKubectlCluster(opts: KubectlSessionOptions = {}): KubectlSession {
  let cluster: Cluster | undefined;
  const current = (): Cluster => {
    if (!cluster) throw new Error('the cluster is not up yet (use the session inside it/beforeAll)');
    return cluster;
  };
  const session: KubectlSession = {
    get cluster() {
      return current();
    },
    run: (command, timeoutMs) => current().run(command, timeoutMs),
    async ok(command, timeoutMs) {
      const r = await current().run(command, timeoutMs);
      expect(r.code, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r.stdout;
    },
    async get<T>(ref: string, extra = ''): Promise<T> {
      return JSON.parse(await session.ok(`kubectl get ${ref} -o json${extra ? ` ${extra}` : ''}`)) as T;
    },
    async list<T>(ref: string): Promise<T[]> {
      return (JSON.parse(await session.ok(`kubectl get ${ref} -o json`)) as { items: T[] }).items;
    },
    file(name, text) {
      writeFileSync(join(current().dir, name), text);
      return name;
    },
  };

  beforeAll(async () => {
    cluster = await newCluster();
    await cluster.up(opts.upArgs ?? []);
    await cluster.eventually('kubectl get nodes --no-headers', (r) => r.code === 0 && r.stdout.trim().split('\n').length === 3 && !r.stdout.includes('NotReady'));
    await opts.setup?.(session);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    cluster?.remove();
  });
  return session;
}
