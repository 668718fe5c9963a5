// `kubesim up --single-process`, started from the CLI's sources (as test/e2e/cluster.ts
// starts `kubesim up`): every component inside that one Node process, still talking over
// HTTP, each logging to its own file. A deployment made with stock kubectl becomes
// available, and Ctrl-C stops the cluster leaving no process behind.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, REPO, TSX, haveKubectl, newCluster, processesMatching } from './cluster.ts';

/** pids of processes whose working directory is `dir` (a component started there would show) */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // gone, or not ours to look at
    }
  }
  return pids;
}

/** `kubesim up --single-process` in the cluster's dir, resolving once it says it is up */
async function upSingleProcess(cluster: Cluster, timeoutMs = 90_000): Promise<void> {
  const proc = spawn(process.execPath, ['--import', TSX, join(REPO, 'cli', 'src', 'main.ts'), 'up', '--single-process', '--port', String(cluster.port)], {
    cwd: cluster.dir,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cluster.proc = proc;
  cluster.output = '';
  proc.stdout.on('data', (d: Buffer) => (cluster.output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (cluster.output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!/kubesim is up/.test(cluster.output)) {
    if (proc.exitCode !== null) throw new Error(`kubesim up exited with ${proc.exitCode}:\n${cluster.output}`);
    if (Date.now() > deadline) throw new Error(`kubesim up did not come up in ${timeoutMs} ms:\n${cluster.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveKubectl)('kubesim up --single-process', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await newCluster();
    await upSingleProcess(cluster);
  }, 120_000);
  afterAll(async () => {
    await cluster.stop('SIGKILL');
    cluster.remove();
  });

  it('runs every component in the one process', () => {
    const pid = cluster.proc!.pid!;
    const file = JSON.parse(readFileSync(join(cluster.dataDir, 'run', 'cluster.json'), 'utf8')) as { pid: number; components: { name: string; pid: number }[] };
    expect(file.pid).toBe(pid);
    expect(file.components.map((c) => c.name).sort()).toEqual(['apiserver', 'controller-manager', 'kubelet-sim', 'proxy-sim', 'scheduler']);
    expect(file.components.every((c) => c.pid === pid)).toBe(true);
    // no component process of its own: nothing else runs with the data dir in its arguments
    expect(processesMatching(cluster.dir)).toEqual([]);
  });

  it('runs a deployment made with kubectl until it is available', async () => {
    await cluster.eventually('kubectl get nodes --no-headers', (r) => r.code === 0 && r.stdout.trim().split('\n').length === 3 && r.stdout.trim().split('\n').every((l) => / Ready /.test(l)));
    const created = await cluster.run('kubectl create deployment web --image=nginx --replicas=3');
    expect(created.code, created.stderr).toBe(0);
    await cluster.eventually('kubectl get deployment web -o jsonpath={.status.availableReplicas}', (r) => r.stdout.trim() === '3', 90_000);
    const pods = await cluster.run('kubectl get pods -l app=web --no-headers');
    expect(pods.stdout.trim().split('\n').filter((l) => / Running /.test(l))).toHaveLength(3);
  }, 180_000);

  it('writes the components\' logs to files, as when each runs in its own process', () => {
    for (const name of ['apiserver', 'scheduler', 'controller-manager', 'kubelet-sim', 'proxy-sim']) {
      expect(readdirSync(join(cluster.dataDir, 'logs'))).toContain(`${name}.log`);
    }
    expect(readFileSync(join(cluster.dataDir, 'logs', 'apiserver.log'), 'utf8')).toContain('"component":"apiserver"');
    expect(cluster.output).not.toContain('"component":');
  });

  it('stops on Ctrl-C with exit code 0, leaving no process behind', async () => {
    const pid = cluster.proc!.pid!;
    expect(await cluster.stop('SIGINT')).toBe(0);
    expect(processesIn(cluster.dir)).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
