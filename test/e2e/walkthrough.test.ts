// The README's kubectl walkthrough, run command by command against `kubesim up` exactly
// as written (a `-w` watch runs for a few seconds, as a user would Ctrl-C it). Then the
// things a learner does to the running cluster: kill a component and see it come back,
// SIGKILL the whole cluster and resume it from its data dir, and stop it leaving no
// process behind.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, loadKubeconfig, resources } from '@kubesim/shared';
import { Cluster, KUBESIM, REPO, haveKubectl, newCluster, processesMatching } from './cluster.ts';

/** the shell commands of the README's walkthrough, in order */
export function walkthroughCommands(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Walkthrough'));
  if (!section) throw new Error('README has no "## Walkthrough" section');
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (line && !line.startsWith('#')) commands.push(line);
    }
  }
  return commands;
}

describe.skipIf(!haveKubectl)('kubesim up, driven like a user', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await newCluster();
    await cluster.up();
  }, 120_000);
  afterAll(async () => {
    await cluster.stop();
    cluster.remove();
  });

  it('prints what a new user needs once it is up', () => {
    expect(cluster.output).toContain(`export KUBECONFIG=${join(cluster.dataDir, 'kubeconfig')}`);
    expect(cluster.output).toContain('kubectl get nodes');
  });

  it("gives the components the apiserver's local socket, and kubectl its HTTPS port", async () => {
    const socket = join(cluster.dataDir, 'run', 'apiserver.sock');
    expect(existsSync(socket)).toBe(true);
    const kubeconfig = join(cluster.dataDir, 'components', 'scheduler.kubeconfig');
    const conn = loadKubeconfig(kubeconfig);
    expect(conn.socketPath).toBe(socket);
    expect(conn.server).toMatch(/^https:/);
    const client = createHttpClient(conn);
    try {
      expect((await client.list(resources.nodes)).items.length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
    // kubectl ignores the extension and uses the port
    expect((await cluster.run(`kubectl --kubeconfig ${kubeconfig} get nodes --no-headers`)).code).toBe(0);
  });

  it('runs every command of the README walkthrough as written', async () => {
    const commands = walkthroughCommands(readFileSync(join(REPO, 'README.md'), 'utf8'));
    expect(commands.length).toBeGreaterThan(10);
    // Nodes are Ready before the walkthrough starts.
    await cluster.eventually('kubectl get nodes --no-headers', (r) => r.code === 0 && r.stdout.trim().split('\n').every((l) => / Ready /.test(l)));
    for (const command of commands) {
      const shell = command.replace(/^pnpm kubesim /, `${KUBESIM} `).replace(/\$\(kubectl/g, '$(kubectl');
      const watch = / -w\b/.test(shell);
      const r = await cluster.run(watch ? `timeout 5 ${shell}` : shell, 120_000);
      const ok = watch ? r.code === 124 || r.code === 0 : r.code === 0;
      expect(ok, `${command}\nexit ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(true);
      if (command.startsWith('kubectl expose')) {
        await cluster.eventually('kubectl get endpoints web -o jsonpath={.subsets[0].addresses[*].ip}', (x) => x.stdout.trim().split(' ').length === 5, 60_000);
        // proxy-sim opens the NodePort when it sees the Service, as kube-proxy programs rules: a moment later.
        await cluster.eventually(`curl -s -o /dev/null http://127.0.0.1:$(kubectl get service web -o jsonpath='{.spec.ports[0].nodePort}')/`, (x) => x.code === 0, 60_000);
      }
      if (command.includes('curl')) {
        const replies = r.stdout.trim().split('\n');
        expect(replies, r.stdout).toHaveLength(5);
        expect(new Set(replies.map((l) => /pod default\/(\S+)/.exec(l)?.[1])).size, r.stdout).toBe(5);
      }
      if (command.includes('/services/web/proxy/')) expect(r.stdout, command).toMatch(/^kubesim: pod default\/web-\S+ .* port 80: GET \//);
      if (command.startsWith('kubectl get nodes -w')) {
        await cluster.eventually('kubectl get node kubesim-node-0 --no-headers', (x) => / NotReady /.test(x.stdout), 120_000);
      }
      if (command.startsWith('kubectl create deployment')) {
        await cluster.eventually('kubectl get deployment web -o jsonpath={.status.availableReplicas}', (x) => x.stdout.trim() === '3', 90_000);
      }
    }
    // The walkthrough's last step: the stopped node's pods come back on the other nodes.
    await cluster.eventually(
      "kubectl get pods -o jsonpath='{range .items[*]}{.spec.nodeName} {.status.phase}{\"\\n\"}{end}'",
      (r) => {
        const lines = r.stdout.trim().split('\n').filter(Boolean);
        return lines.length === 5 && lines.every((l) => l.endsWith(' Running') && !l.startsWith('kubesim-node-0 '));
      },
      180_000,
    );
    const d = await cluster.run(`kubectl get deployment web -o jsonpath='{.spec.replicas}/{.status.availableReplicas}/{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'`);
    expect(d.stdout.trim()).toBe('5/5/3');
    const rs = await cluster.run('kubectl get replicasets --no-headers');
    expect(rs.stdout.trim().split('\n')).toHaveLength(2);
  }, 600_000);

  it('restarts a killed component, and the cluster converges again', async () => {
    const status = await cluster.run(`${KUBESIM} status`);
    expect(status.stdout).toMatch(/scheduler\s+running/);
    const pid = Number(/scheduler\s+running\s+(\d+)/.exec(status.stdout)![1]);
    process.kill(pid, 'SIGKILL');
    await cluster.run('kubectl scale deployment web --replicas=6');
    await cluster.eventually(`${KUBESIM} status`, (r) => /scheduler\s+running\s+\d+\s+1/.test(r.stdout), 60_000);
    await cluster.eventually('kubectl get deployment web -o jsonpath={.status.availableReplicas}', (r) => r.stdout.trim() === '6', 90_000);
    expect(cluster.output).toMatch(/scheduler was killed by SIGKILL; restarting/);
  }, 180_000);

  it('resumes the same cluster after a SIGKILL of everything, from its data dir', async () => {
    const before = await cluster.run('kubectl get deployment web -o jsonpath={.metadata.uid}');
    const pids = processesMatching(cluster.dir);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    // `kubesim up` first, so it cannot restart the components it supervises.
    cluster.proc!.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    // the killed apiserver left its socket file: the new one takes it over
    expect(existsSync(join(cluster.dataDir, 'run', 'apiserver.sock'))).toBe(true);
    await cluster.up();
    const after = await cluster.eventually('kubectl get deployment web -o jsonpath={.metadata.uid}', (r) => r.code === 0);
    expect(after.stdout).toBe(before.stdout);
    await cluster.eventually('kubectl get deployment web -o jsonpath={.status.availableReplicas}', (r) => r.stdout.trim() === '6', 90_000);
  }, 240_000);

  it('stops cleanly on Ctrl-C, leaving no process behind', async () => {
    const code = await cluster.stop('SIGINT');
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMatching(cluster.dir)).toEqual([]);
  }, 60_000);
});
