import { describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { createSimulation } from './simulation.ts';

type EventLike = KubeObject & { reason: string; source: { component: string }; involvedObject: { kind: string; name: string } };

// In virtual time every component sees one instant per step, so the scheduler's
// Scheduled and the kubelet's Pulling about one pod are recorded in the same millisecond.
// Event names (`<pod>.<hex nanoseconds>`) must still differ, or one of the two is lost.
describe('events in a simulation', () => {
  it('keeps every component’s events about a pod: Scheduled from the scheduler, Pulling to Started from the kubelet', async () => {
    for (const seed of [1, 2, 3]) {
      const sim = await createSimulation({ seed, nodes: 2 });
      try {
        await sim.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}`);
        await sim.advance('60s');
        const pods = (await sim.client.list(resources.pods, { namespace: 'default' })).items;
        const events = (await sim.client.list(resources.events, { namespace: 'default' })).items as unknown as EventLike[];
        expect(pods).toHaveLength(6);
        for (const pod of pods) {
          const about = events.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === pod.metadata.name);
          const reasons = about.map((e) => `${e.source.component}:${e.reason}`).sort();
          expect(reasons, `seed ${seed}, pod ${pod.metadata.name}`).toEqual(['default-scheduler:Scheduled', 'kubelet:Created', 'kubelet:Pulled', 'kubelet:Pulling', 'kubelet:Started']);
        }
      } finally {
        await sim.close();
      }
    }
  });
});
