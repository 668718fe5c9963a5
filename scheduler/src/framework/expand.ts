// multiPoint expansion, as kube-scheduler does it: for each extension point, the plugins
// are (1) those enabled both in multiPoint and at the point — with the point's settings
// (e.g. a weight), in multiPoint order; (2) the other multiPoint plugins that implement
// the point and are not disabled there; (3) plugins enabled only at the point.
// Example: multiPoint [TaintToleration(3), ImageLocality(1)] + score.enabled
// [ImageLocality(10)] → score: TaintToleration 3, ImageLocality 10.

import { ConfigError, EXTENSION_POINTS } from './config.ts';
import type { ExtensionPoint, PluginRef, ResolvedProfile } from './config.ts';
import type { Plugin } from './interfaces.ts';

const METHOD: Record<ExtensionPoint, string> = {
  preEnqueue: 'preEnqueue',
  queueSort: 'less',
  preFilter: 'preFilter',
  filter: 'filter',
  postFilter: 'postFilter',
  preScore: 'preScore',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  preBind: 'preBind',
  bind: 'bind',
  postBind: 'postBind',
};

export const implementsPoint = (p: Plugin, e: ExtensionPoint): boolean => typeof (p as unknown as Record<string, unknown>)[METHOD[e]] === 'function';

/** `instantiate(name)` returns the (single) plugin instance for a name, or throws. */
export function expandPlugins(profile: ResolvedProfile, instantiate: (name: string) => Plugin): Record<ExtensionPoint, PluginRef[]> {
  const out = {} as Record<ExtensionPoint, PluginRef[]>;
  for (const e of EXTENSION_POINTS) {
    const set = profile.plugins[e];
    const disabled = new Set(set.disabled.map((p) => p.name));
    const specific = new Map(set.enabled.map((p) => [p.name, p] as const));
    for (const name of specific.keys()) {
      if (!implementsPoint(instantiate(name), e)) throw new ConfigError(`profile ${profile.schedulerName}: plugin ${name} does not extend ${e}`);
    }
    const overrides: PluginRef[] = [];
    const fromMulti: PluginRef[] = [];
    if (!disabled.has('*')) {
      for (const ref of profile.plugins.multiPoint.enabled) {
        if (disabled.has(ref.name) || !implementsPoint(instantiate(ref.name), e)) continue;
        if (specific.has(ref.name)) overrides.push(specific.get(ref.name)!);
        else fromMulti.push(ref);
      }
    }
    const used = new Set(overrides.map((r) => r.name));
    out[e] = [...overrides, ...fromMulti, ...set.enabled.filter((r) => !used.has(r.name))];
  }
  return out;
}
