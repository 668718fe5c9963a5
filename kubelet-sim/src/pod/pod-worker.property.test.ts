import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makePod, PodHarness } from '../testing/pod-harness.ts';
import type { Container, Pod, PodStatus } from '../types.ts';
import type { PodWorker } from './pod-worker.ts';

const RANK: Record<string, number> = { Pending: 0, Running: 1, Succeeded: 2, Failed: 2 };

const commandArb: fc.Arbitrary<string[] | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 120 }).map((n) => ['sleep', String(n)]),
  fc.constant<string[]>(['sleep', 'infinity']),
  fc.constant<string[]>(['false']),
  fc.constant<string[]>(['true']),
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3 })).map(([s, code]) => ['sh', '-c', `echo hi; sleep ${s}; exit ${code}`]),
);

const probeArb = fc.option(
  fc.record({
    httpGet: fc.constant({ port: 80 }),
    periodSeconds: fc.integer({ min: 1, max: 20 }),
    failureThreshold: fc.integer({ min: 1, max: 3 }),
    initialDelaySeconds: fc.integer({ min: 0, max: 10 }),
  }),
  { nil: undefined },
);

const containerArb: fc.Arbitrary<Partial<Container>> = fc.record({ command: commandArb, readinessProbe: probeArb, livenessProbe: probeArb }).map((c) => {
  const out: Partial<Container> = { ports: [{ containerPort: 80 }] };
  if (c.command) out.command = c.command;
  if (c.readinessProbe) out.readinessProbe = c.readinessProbe;
  if (c.livenessProbe) out.livenessProbe = c.livenessProbe;
  return out;
});

const annotationsArb = fc.record(
  {
    'kubesim.io/crash-after': fc.integer({ min: 1, max: 200 }).map((n) => `${n}s`),
    'kubesim.io/ready-after': fc.integer({ min: 0, max: 30 }).map((n) => `${n}s`),
    'kubesim.io/probe-fail': fc.constantFrom('readiness', 'liveness'),
    'kubesim.io/image-pull-seconds': fc.integer({ min: 0, max: 5 }).map(String),
    'kubesim.io/start-delay': fc.integer({ min: 0, max: 3 }).map((n) => `${n}s`),
  },
  { requiredKeys: [] },
);

const podArb = fc.record({
  containers: fc.array(containerArb, { minLength: 1, maxLength: 2 }),
  init: fc.array(commandArb.filter((c) => c !== undefined && c[1] !== 'infinity'), { maxLength: 2 }),
  restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
  annotations: annotationsArb,
});

type Action = { kind: 'advance'; ms: number } | { kind: 'delete'; index: number; grace: number } | { kind: 'add'; index: number };
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 90_000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), index: fc.nat(20), grace: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), index: fc.nat(20) }) },
);

interface PodSpecDraft {
  containers: Partial<Container>[];
  init: (string[] | undefined)[];
  restartPolicy: string;
  annotations: Partial<Record<string, string>>;
}

function build(spec: PodSpecDraft): Pod {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.annotations)) if (v !== undefined) annotations[k] = v;
  return makePod(spec.containers, {
    annotations,
    spec: {
      restartPolicy: spec.restartPolicy,
      initContainers: spec.init.map((command: string[] | undefined, i: number) => ({ name: `init-${i}`, image: 'busybox:1.36', command: command ?? ['true'] })),
    },
  });
}

const OWNED = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

function checkHistory(w: PodWorker, history: Array<{ time: number; status: PodStatus }>): void {
  let rank = 0;
  const restarts = new Map<string, number>();
  const conditions = new Map<string, { status: string; lastTransitionTime: string | undefined }>();
  for (const { time, status } of history) {
    // the kubelet's conditions move their lastTransitionTime exactly when their status flips
    for (const type of OWNED) {
      const c = status.conditions?.find((x) => x.type === type);
      if (!c) continue;
      const prev = conditions.get(type);
      if (prev && prev.status !== c.status) expect(c.lastTransitionTime, `${w.key}: ${type} flipped`).toBe(new Date(Math.floor(time / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
      if (prev && prev.status === c.status) expect(c.lastTransitionTime, `${w.key}: ${type} did not flip`).toBe(prev.lastTransitionTime);
      conditions.set(type, { status: c.status, lastTransitionTime: c.lastTransitionTime });
    }
    const r = RANK[status.phase ?? 'Pending'] ?? 0;
    expect(r, `${w.key}: phase went back to ${status.phase}`).toBeGreaterThanOrEqual(rank);
    rank = r;
    for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
      const before = restarts.get(c.name) ?? 0;
      expect(c.restartCount, `${w.key}/${c.name}: restartCount decreased`).toBeGreaterThanOrEqual(before);
      restarts.set(c.name, c.restartCount);
      if (w.pod.spec.restartPolicy === 'Never' && !w.init.some((i) => i.name === c.name && i.role === 'sidecar')) {
        expect(c.restartCount, `${w.key}/${c.name}: restarted under restartPolicy Never`).toBe(0);
      }
    }
    const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (ready) expect(status.podIP, `${w.key}: Ready without a pod IP`).toMatch(/^10\.244\.0\.\d+$/);
  }
}

describe('PodWorker properties under the virtual clock', () => {
  it('phases only move forward, restarts never decrease, Never never restarts, Ready pods have unique IPs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(podArb, { minLength: 1, maxLength: 6 }), fc.array(podArb, { maxLength: 4 }), fc.array(actionArb, { maxLength: 25 }), fc.nat(), async (initial, extra, actions, seed) => {
        const h = new PodHarness(seed);
        for (const spec of initial) h.run(build(spec));
        const checkIps = (): void => {
          const ips = new Map<string, string>();
          for (const w of h.workers) {
            if (w.closed) continue;
            const s = w.status();
            if (s.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') continue;
            const owner = ips.get(s.podIP!);
            expect(owner, `${w.key} and ${owner} are both Ready with ${s.podIP}`).toBeUndefined();
            ips.set(s.podIP!, w.key);
          }
        };
        for (const a of actions) {
          if (a.kind === 'advance') await h.clock.advance(a.ms);
          else if (a.kind === 'delete') {
            const live = h.workers.filter((w) => !w.closed && !w.terminating);
            const w = live[a.index % Math.max(1, live.length)];
            if (w) h.delete(w, a.grace);
            await h.clock.advance(0);
          } else {
            const spec = extra[a.index % Math.max(1, extra.length)];
            if (spec) h.run(build(spec));
            await h.clock.advance(0);
          }
          checkIps();
        }
        await h.clock.advance(30 * 60_000);
        checkIps();
        for (const w of h.workers) checkHistory(w, h.history.get(w) ?? []);
      }),
      { numRuns: 60 },
    );
  });
});
