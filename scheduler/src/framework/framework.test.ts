import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { SchedulerCache } from '../cache/cache.ts';
import { inTreeRegistry } from '../plugins/registry.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { testFramework } from '../testing/test-framework.ts';
import type { KubeSchedulerProfile } from './config.ts';
import { CycleState } from './cycle-state.ts';
import { Framework } from './framework.ts';
import type { FilterPlugin, ScorePlugin } from './interfaces.ts';
import { newPodInfo } from './pod-info.ts';
import { SUCCESS, unschedulable } from './status.ts';


function framework(profile: KubeSchedulerProfile = {}, registry = inTreeRegistry, cache = new SchedulerCache(new VirtualClock())): Framework {
  return testFramework({ profile, registry, cache });
}

describe('Framework', () => {
  it('arranges the default profile per extension point in kube-scheduler order', () => {
    const f = framework();
    expect(f.queueSortPlugin.name).toBe('PrioritySort');
    expect(f.filterPlugins.map((p) => p.name)).toEqual([
      'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity',
    ]);
    expect(f.scorePlugins.map((p) => `${p.plugin.name}:${p.weight}`)).toEqual([
      'TaintToleration:3', 'NodeAffinity:2', 'NodeResourcesFit:1', 'PodTopologySpread:2', 'InterPodAffinity:2', 'NodeResourcesBalancedAllocation:1', 'ImageLocality:1',
    ]);
    expect(f.postFilterPlugins.map((p) => p.name)).toEqual(['DefaultPreemption']);
    expect(f.bindPlugins.map((p) => p.name)).toEqual(['DefaultBinder']);
    expect(f.preEnqueuePlugins.map((p) => p.name)).toEqual(['SchedulingGates']);
  });

  it('a plugin disabled at one extension point keeps its others', () => {
    const f = framework({ plugins: { score: { disabled: [{ name: 'TaintToleration' }] } } });
    expect(f.scorePlugins.some((p) => p.plugin.name === 'TaintToleration')).toBe(false);
    expect(f.filterPlugins.some((p) => p.name === 'TaintToleration')).toBe(true);
  });

  it('a weight set at the score point overrides the multiPoint default', () => {
    const f = framework({ plugins: { score: { enabled: [{ name: 'ImageLocality', weight: 10 }] } } });
    expect(f.scorePlugins.find((p) => p.plugin.name === 'ImageLocality')?.weight).toBe(10);
  });

  it('refuses unknown plugins and plugins at points they do not implement', () => {
    expect(() => framework({ plugins: { filter: { enabled: [{ name: 'NoSuchPlugin' }] } } })).toThrow(/does not exist/);
    expect(() => framework({ plugins: { filter: { enabled: [{ name: 'ImageLocality' }] } } })).toThrow(/does not extend filter/);
  });

  it('stops filtering at the first plugin that rejects, and reports that plugin', () => {
    const calls: string[] = [];
    const mk = (name: string, ok: boolean): FilterPlugin => ({ name, filter: () => (calls.push(name), ok ? SUCCESS : unschedulable(`${name} says no`)) });
    const registry = { ...inTreeRegistry, A: () => mk('A', true), B: () => mk('B', false), C: () => mk('C', true) };
    const f = framework({ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }, { name: 'A' }, { name: 'B' }, { name: 'C' }] } } }, registry);
    const cache = new SchedulerCache(new VirtualClock());
    const ni = cache.addNode(makeNode('n1'));
    const st = f.runFilterPlugins(new CycleState(), newPodInfo(makePod('p')), ni);
    expect(st.plugin).toBe('B');
    expect(st.reasons).toEqual(['B says no']);
    expect(calls).toEqual(['A', 'B']);
  });

  it('reports a score outside 0..100 after normalizing as an error', () => {
    const bad: ScorePlugin = { name: 'Bad', score: () => 500 };
    const registry = { ...inTreeRegistry, Bad: () => bad };
    const cache = new SchedulerCache(new VirtualClock());
    const f = framework({ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }, { name: 'Bad' }] } } }, registry, cache);
    const ni = cache.addNode(makeNode('n1'));
    const r = f.runScorePlugins(new CycleState(), newPodInfo(makePod('p')), [ni]);
    expect(r.status.code).toBe('Error');
    expect(r.status.message()).toContain('invalid score 500');
  });
});
