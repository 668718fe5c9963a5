// `pnpm bench lease-renewal [rounds] [--copy]`: the apiserver's cost of the simulation's most
// common write, a kubelet renewing its Lease, through the in-process client: 100 Leases
// renewed together each virtual 10 s, with a watcher sharing every state (as the node
// lifecycle controller's informer does). Prints µs of wall and CPU time per renewal, after a
// warm-up pass. --copy: the answers are private copies (no `answer: 'shared'`), so nothing of
// the next body is borrowed.
import { performance } from 'node:perf_hooks';
import { formatMicroTime, resources, VirtualClock } from '@kubesim/shared';
import type { Lease } from '@kubesim/shared';
import { createInProcessClient } from '../../apiserver/src/registry/in-process-client.ts';
import { makeRegistry } from '../../apiserver/src/test-helpers.ts';

const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200);
const answer = process.argv.includes('--copy') ? {} : { answer: 'shared' as const };
const nodes = 100;
const namespace = 'kube-node-lease';

const clock = new VirtualClock(Date.UTC(2026, 0, 1));
const registry = await makeRegistry({ clock, seed: 1 });
const watch = await registry.watch(resources.leases, {}, { send: (_t, o) => void o.shared(), bookmark: () => undefined, error: () => undefined, end: () => undefined });
const client = createInProcessClient(registry, { identity: 'system:node:n1' });
const leases: Lease[] = [];
for (let i = 0; i < nodes; i++) {
  const lease: Lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: `n${i}`, namespace, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: `n${i}`, uid: `u${i}` }] },
    spec: { holderIdentity: `n${i}`, leaseDurationSeconds: 40, renewTime: formatMicroTime(clock.now()) },
  };
  leases.push(await client.create(resources.leases, lease, { namespace }));
}

for (let pass = 0; pass < 2; pass++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    await clock.advance(10_000);
    const renewTime = formatMicroTime(clock.now());
    await Promise.all(
      leases.map(async (l, i) => {
        leases[i] = await client.update(resources.leases, { ...l, spec: { ...l.spec, renewTime } }, { namespace, ...answer });
      }),
    );
  }
  const n = rounds * nodes;
  const c = process.cpuUsage(c0);
  if (pass === 1) console.log(`${n} Lease renewals${answer.answer ? ' (shared answers)' : ' (copied answers)'}: ${(((performance.now() - t0) * 1000) / n).toFixed(1)} µs wall, ${((c.user + c.system) / n).toFixed(1)} µs CPU each`);
}
watch.stop();
await registry.stop();
