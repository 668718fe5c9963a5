import { describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import { createSimulation } from './simulation.ts';

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]
`;

async function runOnce(seed: number): Promise<string> {
  const sim = await createSimulation({ seed, nodes: 2, components: { scheduler: false } });
  await sim.apply(deployment);
  await sim.runUntil(async () => (await sim.list(resources.pods, 'default')).length === 3, { timeout: '1m' });
  await sim.advance('30s');
  const text = sim.trace.toText();
  await sim.close();
  return text;
}

describe('createSimulation', () => {
  it('runs the controllers in virtual time: a Deployment gets its ReplicaSet and pods', async () => {
    const sim = await createSimulation({ seed: 1, nodes: 2, components: { scheduler: false } });
    await sim.apply(deployment);
    await sim.runUntil(async () => (await sim.list(resources.pods, 'default')).length === 3, { timeout: '1m' });
    const rss = await sim.list(resources.replicasets, 'default');
    expect(rss).toHaveLength(1);
    expect(rss[0]!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const nodes = await sim.list(resources.nodes);
    expect(nodes.map((n) => n.metadata.name).sort()).toHaveLength(2);
    await sim.close();
  });

  it('replays a run byte for byte from the same seed', async () => {
    const a = await runOnce(7);
    const b = await runOnce(7);
    expect(a.length).toBeGreaterThan(100);
    expect(b).toBe(a);
  });
});
