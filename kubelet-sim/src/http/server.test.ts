import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { FakeClient, seededRandom, VirtualClock } from '@kubesim/shared';
import { startKubeletSim } from '../kubelet-sim.ts';
import type { KubeletSim } from '../kubelet-sim.ts';
import { nodeType, podType } from '../types.ts';
import type { Container, Pod } from '../types.ts';

const T0 = Date.UTC(2025, 0, 1);
let running: KubeletSim[] = [];
afterEach(async () => {
  for (const k of running) await k.stop();
  running = [];
});

async function setup(nodes = 2) {
  const clock = new VirtualClock(T0);
  const client = new FakeClient({ clock });
  const sim = await startKubeletSim({ client, clock, random: seededRandom(3), nodes, httpPort: 0 });
  running.push(sim);
  await clock.advance(0);
  await sim.whenRegistered();
  const base = `http://127.0.0.1:${sim.port}`;
  return { clock, client, sim, base };
}

function pod(name: string, containers: Array<Partial<Container>>, annotations: Record<string, string> = {}, node = 'kubesim-node-0'): Pod {
  return {
    metadata: { name, namespace: 'default', annotations: { 'kubesim.io/image-pull-seconds': '0', ...annotations } },
    spec: { nodeName: node, restartPolicy: 'Never', containers: containers.map((c, i) => ({ name: i ? `c${i}` : 'app', image: 'busybox:1.36', ...c })) },
  };
}

describe('kubelet-sim HTTP endpoint: logs', () => {
  it('serves what the container echoed, with timestamps and tail', async () => {
    const { clock, client, base } = await setup();
    await client.create(podType, pod('hello', [{ command: ['sh', '-c', 'echo one; sleep 2; echo two; echo three'] }]));
    await clock.advance(3000);
    expect(await (await fetch(`${base}/containerLogs/default/hello/app`)).text()).toBe('one\ntwo\nthree\n');
    expect(await (await fetch(`${base}/containerLogs/default/hello/app?tailLines=1&timestamps=true`)).text()).toBe('2025-01-01T00:00:02Z three\n');
    expect(await (await fetch(`${base}/containerLogs/default/hello/app?limitBytes=5`)).text()).toBe('one\nt');
  });

  it('explains why there are no logs', async () => {
    const { clock, client, base } = await setup();
    await client.create(podType, pod('waiting', [{ image: 'nginx:1.27' }], { 'kubesim.io/image-pull-seconds': '60' }));
    await clock.advance(10);
    const res = await fetch(`${base}/containerLogs/default/waiting/app`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('container "app" in pod "waiting" is waiting to start: ContainerCreating\n');
    expect((await fetch(`${base}/containerLogs/default/nope/app`)).status).toBe(404);
    expect(await (await fetch(`${base}/containerLogs/default/waiting/app?previous=true`)).text()).toContain('previous terminated container "app" in pod "waiting" not found');
  });

  it('serves the previous instance after a restart', async () => {
    const { clock, client, base } = await setup();
    const p = pod('crashy', [{ command: ['sh', '-c', 'echo boom; exit 1'] }]);
    p.spec.restartPolicy = 'Always';
    await client.create(podType, p);
    await clock.advance(100);
    expect(await (await fetch(`${base}/containerLogs/default/crashy/app?previous=true`)).text()).toBe('boom\n');
  });

  it('streams with follow until the container exits', async () => {
    const { clock, client, base } = await setup();
    await client.create(podType, pod('ticker', [{ command: ['sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 1; done'] }]));
    await clock.advance(10);
    const got: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      request(`${base}/containerLogs/default/ticker/app?follow=true`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => got.push(d));
        res.on('end', () => resolve());
      })
        .on('error', reject)
        .end();
    });
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 4; i++) {
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await done;
    expect(got.join('')).toBe('tick 1\ntick 2\ntick 3\n');
  });
});

describe('kubelet-sim HTTP endpoint: stats and pods', () => {
  it('serves the summary API per node', async () => {
    const { clock, client, base } = await setup();
    await client.create(podType, pod('busy', [{ image: 'nginx:1.27' }], { 'kubesim.io/cpu-usage': '250m', 'kubesim.io/memory-usage': '64Mi' }));
    await clock.advance(10_000);
    expect((await fetch(`${base}/stats/summary`)).status).toBe(400);
    const s = (await (await fetch(`${base}/stats/summary?node=kubesim-node-0`)).json()) as {
      node: { nodeName: string };
      pods: Array<{ podRef: { name: string }; containers: Array<{ cpu: { usageNanoCores: number; usageCoreNanoSeconds: number }; memory: { workingSetBytes: number } }> }>;
    };
    expect(s.node.nodeName).toBe('kubesim-node-0');
    expect(s.pods).toHaveLength(1);
    expect(s.pods[0]!.containers[0]).toMatchObject({ cpu: { usageNanoCores: 250_000_000, usageCoreNanoSeconds: 2_500_000_000 }, memory: { workingSetBytes: 64 * 1024 * 1024 } });
    const metrics = await (await fetch(`${base}/metrics/resource?node=kubesim-node-0`)).text();
    expect(metrics).toContain('container_memory_working_set_bytes{container="app",namespace="default",pod="busy"} 67108864');
  });
});

describe('kubelet-sim HTTP endpoint: failure injection', () => {
  it('stops, fails and recovers nodes and slows image pulls', async () => {
    const { clock, client, base, sim } = await setup();
    const post = (path: string, body?: unknown) => fetch(`${base}${path}`, { method: 'POST', ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await post('/kubesim/nodes/kubesim-node-1/stop')).status).toBe(200);
    expect(sim.nodes.get('kubesim-node-1')?.running).toBe(false);
    expect((await post('/nodes/kubesim-node-1/start')).status).toBe(200);
    await clock.advance(0);
    expect(sim.nodes.get('kubesim-node-1')?.running).toBe(true);
    await post('/nodes/kubesim-node-0/fail', { reason: 'KubeletNotReady', message: 'PLEG is not healthy' });
    await clock.advance(0);
    const ready = (await client.get(nodeType, 'kubesim-node-0')).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy' });
    await post('/kubesim/nodes/kubesim-node-0/condition', { type: 'DiskPressure', status: 'True' });
    expect(sim.nodes.get('kubesim-node-0')?.conditions.find((c) => c.type === 'DiskPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasDiskPressure' });
    await fetch(`${base}/kubesim/nodes/kubesim-node-0/condition/DiskPressure`, { method: 'DELETE' });
    await post('/nodes/kubesim-node-0/recover');
    expect(sim.nodes.get('kubesim-node-0')?.conditions.every((c) => c.status === (c.type === 'Ready' ? 'True' : 'False'))).toBe(true);
    await post('/kubesim/nodes/*/image-pulls', { delaySeconds: 30 });
    expect(sim.nodes.list().map((n) => n.imagePulls.extraMs)).toEqual([30_000, 30_000]);
    expect((await post('/kubesim/nodes/ghost/stop')).status).toBe(404);
    const added = (await (await post('/nodes/extra-node/add')).json()) as { name: string };
    expect(added.name).toBe('extra-node');
    await post('/nodes/extra-node/remove');
    await expect(client.get(nodeType, 'extra-node')).rejects.toThrow(/not found/);
  });
});

describe('kubelet-sim serving backends', () => {
  it('exposes a serving pod port on loopback and publishes it in an annotation', async () => {
    const { clock, client, base } = await setup();
    await client.create(podType, pod('web', [{ image: 'nginx:1.27', ports: [{ containerPort: 80 }] }]));
    await clock.advance(100);
    await new Promise((r) => setTimeout(r, 50));
    await clock.advance(0);
    const p = await client.get(podType, 'web', { namespace: 'default' });
    const local = p.metadata.annotations?.['kubesim.io/backend-80'];
    expect(local).toMatch(/^127\.0\.0\.1:\d+$/);
    const text = await (await fetch(`http://${local}/hello`)).text();
    expect(text).toBe(`kubesim: pod default/web (${p.status?.podIP}) on node kubesim-node-0, container app, port 80: GET /hello\n`);
    const table = (await (await fetch(`${base}/kubesim/backends`)).json()) as Record<string, string>;
    expect(table[`${p.status?.podIP}:80`]).toBe(local);
    expect(await (await fetch(`${base}/containerLogs/default/web/app`)).text()).toContain('kubesim: GET /hello from 127.0.0.1 -> 200');
    // the same pod through an HTTP CONNECT tunnel on the kubelet port
    const tunnelled = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: new URL(base).port, method: 'CONNECT', path: `${p.status?.podIP}:80` });
      req.on('connect', (_res, socket) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => (text += d));
        socket.on('end', () => resolve(text));
        socket.write('GET /via-connect HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      });
      req.on('error', reject);
      req.end();
    });
    expect(tunnelled).toContain('GET /via-connect');
  });
});
