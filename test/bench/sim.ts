// `pnpm bench sim`: the simulation kit's speed, in two shapes.
//   big:   one virtual hour of a 100-node cluster — a 300-replica Deployment comes up, rolls
//          to a new template, and a node dies mid-rollout (target ≤ 1 s wall).
//   many:  1,000 random small clusters (5–20 nodes), each with a generated Deployment that
//          comes up and rolls out once, invariants checked at every step (target ≤ 60 s).
// Runs use `trace: 'none'` and `events: false`, the settings the property suites use; both
// report wall and CPU time, virtual time, API writes and clock steps.
// Flags: --only big|many, --clusters 1000, --nodes 100, --replicas 300, --seed 1, --horizon 3600 (s),
// --controllers deployment,replicaset (default: every registered controller), --no-invariants,
// --repeat 3 (big, in one process: the first run is cold, the others warm),
// --trace all|writes: keep that trace and print a sha256 of it and of the store's final
// contents (to check that a change to the write path leaves a fixed-seed run byte-identical;
// the timings of such a run are not the benchmark's).

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { resources } from '@kubesim/shared';
import {
  applyTemplateChange,
  checkInvariants,
  createSimulation,
  deploymentArb,
  noNodeOvercommitted,
  nodePoolsArb,
  rolloutBounds,
  rolloutIncomplete,
  templateChangeArb,
} from '../src/index.ts';
import type { Deployment, Simulation } from '../src/index.ts';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const only = arg('only', 'all');
const seed = Number(arg('seed', '1'));
const controllers = arg('controllers', '');
const invariantsOff = process.argv.includes('--no-invariants');
const controllerOption = controllers ? { controllers: controllers.split(',') } : {};
const traceLevel = arg('trace', 'none') as 'all' | 'writes' | 'none';
const hashing = traceLevel !== 'none';
const traceHash = createHash('sha256');
const storeHash = createHash('sha256');

/** fold the run's trace and the store's final contents into the two hashes */
async function hashRun(sim: Simulation): Promise<void> {
  if (!hashing) return;
  traceHash.update(sim.trace.toText()).update('\n--\n');
  const { kvs } = await sim.store.range('');
  for (const kv of kvs) storeHash.update(`${kv.key} ${kv.modRevision} ${kv.value}\n`);
  storeHash.update('--\n');
}
function printHashes(): void {
  if (hashing) console.log(`  trace (${traceLevel}) sha256 ${traceHash.digest('hex')}, store sha256 ${storeHash.digest('hex')}`);
}

interface Meter {
  wall(): number;
  cpu(): number;
}
function meter(): Meter {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  return {
    wall: () => performance.now() - w0,
    cpu: () => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    },
  };
}

function countSteps(sim: Simulation): () => number {
  let steps = 0;
  sim.on('change', () => {
    steps++;
  });
  return () => steps;
}

const ms = (n: number): string => `${n.toFixed(0)} ms`;

async function big(): Promise<void> {
  const nodes = Number(arg('nodes', '100'));
  const replicas = Number(arg('replicas', '300'));
  const m = meter();
  const sim = await createSimulation({ seed, nodes, trace: traceLevel, events: false, ...controllerOption });
  const setup = m.wall();
  const steps = countSteps(sim);
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'kubesim.io/start-delay': '3s', 'kubesim.io/ready-after': '5s' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.0', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
      },
    },
  } as Deployment;
  await sim.apply(deployment);
  await sim.runUntil(async (s) => rolloutIncomplete(await s.state(), 'default', 'web').length === 0, { timeout: '10m' });
  const up = sim.elapsed();
  await sim.update(resources.deployments, 'web', (d) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec!, containers: [{ ...d.spec.template.spec!.containers[0]!, image: 'nginx:2.0' }] } } } }));
  await sim.advance('5s');
  const dead = sim.nodes.names()[7]!;
  sim.nodes.stop(dead);
  await sim.runUntil(async (s) => rolloutIncomplete(await s.state(), 'default', 'web').length === 0, { timeout: '30m' }).catch(() => undefined);
  const rolled = sim.elapsed();
  await sim.advance(Math.max(0, Number(arg('horizon', '3600')) * 1000 - sim.elapsed()));
  const wall = m.wall();
  const cpu = m.cpu();
  const state = await sim.state();
  const left = rolloutIncomplete(state, 'default', 'web');
  const writes = sim.store.currentRevision();
  await hashRun(sim);
  await sim.close();
  console.log(`big: ${nodes} nodes, Deployment of ${replicas} (25%/25%), rolling update, node ${dead} dies mid-rollout`);
  console.log(`  virtual: up at ${(up / 1000).toFixed(0)} s, rollout done at ${(rolled / 1000).toFixed(0)} s, horizon ${(sim.elapsed() / 1000).toFixed(0)} s`);
  console.log(`  wall ${ms(wall)} (setup ${ms(setup)}), cpu ${ms(cpu)}; ${writes} store revisions, ${steps()} clock steps, ${state.pods.length} pods at the end`);
  console.log(`  at the end: ${left.length ? left.join('; ') : 'rollout complete'}`);
  printHashes();
}

async function many(): Promise<void> {
  const count = Number(arg('clusters', '1000'));
  const behaviour = { startDelay: 5, readyAfter: 5, stopDelay: 2, imagePull: false } as const;
  const arb = fc.tuple(
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    nodePoolsArb({ minNodes: 5, maxNodes: 20, maxPools: 2, cpus: [2, 4], taints: false }),
    deploymentArb({ replicas: { min: 1, max: 10 }, behaviour }),
    templateChangeArb({ behaviour }),
  );
  const cases = fc.sample(arb, { numRuns: count, seed });
  const m = meter();
  const per: number[] = [];
  let failures = 0;
  let steps = 0;
  let writes = 0;
  let virtual = 0;
  for (const [simSeed, nodes, d, change] of cases) {
    const t0 = performance.now();
    const sim = await createSimulation({ seed: simSeed, nodes, trace: traceLevel, events: false, ...controllerOption });
    const stepCount = countSteps(sim);
    const monitor = checkInvariants(sim, invariantsOff ? [] : [rolloutBounds(), noNodeOvercommitted()], { failFast: false });
    try {
      await sim.apply(d);
      await sim.runUntil(async (s) => rolloutIncomplete(await s.state(), 'default', 'web').length === 0, { timeout: '10m' });
      await sim.update(resources.deployments, 'web', (cur) => applyTemplateChange(cur, change));
      await sim.runUntil(async (s) => rolloutIncomplete(await s.state(), 'default', 'web').length === 0, { timeout: '15m' });
      if (monitor.violations.length) throw new Error(monitor.violations[0]!.message);
    } catch (err) {
      failures++;
      if (failures <= 3) console.log(`  failure (sim seed ${simSeed}): ${err instanceof Error ? err.message : String(err)}`);
    }
    steps += stepCount();
    writes += sim.store.currentRevision();
    virtual += sim.elapsed();
    await hashRun(sim);
    await sim.close();
    per.push(performance.now() - t0);
  }
  const wall = m.wall();
  const cpu = m.cpu();
  per.sort((a, b) => a - b);
  const pct = (p: number): number => per[Math.min(per.length - 1, Math.floor((p / 100) * per.length))] ?? 0;
  console.log(`many: ${count} random clusters${controllers ? ` (controllers ${controllers})` : ''} of 5–20 nodes, a Deployment of 1–10 each, brought up and rolled out once`);
  console.log(`  wall ${ms(wall)}, cpu ${ms(cpu)}; per cluster p50 ${ms(pct(50))}, p99 ${ms(pct(99))}, max ${ms(per.at(-1) ?? 0)}`);
  console.log(`  ${(virtual / 1000 / 3600).toFixed(1)} virtual hours, ${writes} store revisions, ${steps} clock steps; ${failures} failures`);
  printHashes();
}

// --repeat N: run big N times in this process; the first run pays for compiling and
// optimizing the code (JIT warm-up), the later ones show the warm figure a long-running
// property suite sees
const repeat = Number(arg('repeat', '1'));
if (only === 'all' || only === 'big') for (let i = 0; i < repeat; i++) await big();
if (only === 'all' || only === 'many') await many();
