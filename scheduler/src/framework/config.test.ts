import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfiguration } from './config.ts';

describe('resolveConfiguration', () => {
  it('without input gives one default-scheduler profile with kube-scheduler defaults', () => {
    const c = resolveConfiguration();
    expect(c.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler']);
    expect(c.percentageOfNodesToScore).toBe(0);
    expect(c.podInitialBackoffMs).toBe(1000);
    expect(c.podMaxBackoffMs).toBe(10_000);
    expect(c.profiles[0]!.plugins.multiPoint.enabled.find((p) => p.name === 'TaintToleration')?.weight).toBe(3);
  });

  it('reads YAML: profiles, plugin args and disabled plugins', () => {
    const c = resolveConfiguration(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packing
  plugins:
    multiPoint:
      disabled:
      - name: ImageLocality
    score:
      enabled:
      - name: NodeResourcesFit
        weight: 5
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`);
    expect(c.percentageOfNodesToScore).toBe(30);
    const bp = c.profiles[1]!;
    expect(bp.schedulerName).toBe('bin-packing');
    expect(bp.plugins.multiPoint.enabled.some((p) => p.name === 'ImageLocality')).toBe(false);
    expect(bp.plugins.score.enabled).toEqual([{ name: 'NodeResourcesFit', weight: 5 }]);
    expect(bp.pluginArgs.get('NodeResourcesFit')).toEqual({ scoringStrategy: { type: 'MostAllocated' } });
  });

  it('disabling "*" drops every default of that extension point', () => {
    const c = resolveConfiguration({ profiles: [{ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }] } } }] });
    expect(c.profiles[0]!.plugins.multiPoint.enabled.map((p) => p.name)).toEqual(['PrioritySort', 'DefaultBinder']);
  });

  it('enabling a default plugin again replaces it in place with the new weight', () => {
    const c = resolveConfiguration({ profiles: [{ plugins: { multiPoint: { enabled: [{ name: 'TaintToleration', weight: 7 }] } } }] });
    const names = c.profiles[0]!.plugins.multiPoint.enabled;
    expect(names.findIndex((p) => p.name === 'TaintToleration')).toBe(4);
    expect(names[4]!.weight).toBe(7);
  });

  it('rejects duplicate scheduler names and bad percentages', () => {
    expect(() => resolveConfiguration({ profiles: [{}, {}] })).toThrow(ConfigError);
    expect(() => resolveConfiguration({ percentageOfNodesToScore: 101 })).toThrow(ConfigError);
    expect(() => resolveConfiguration('kind: Deployment')).toThrow(ConfigError);
  });
});
