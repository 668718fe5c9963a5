// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the subset kubesim reads:
//   percentageOfNodesToScore, podInitialBackoffSeconds, podMaxBackoffSeconds, and
//   profiles[] { schedulerName, percentageOfNodesToScore, plugins, pluginConfig }.
// Each profile's plugins are merged into the default profile as kube-scheduler does:
// per extension point (and `multiPoint`), `disabled` removes defaults (`*` = all of them),
// `enabled` replaces a default of the same name in place (e.g. a new weight) or appends.
// Example — bin-packing:
//   profiles: [{ schedulerName: bin-packing, pluginConfig: [{ name: NodeResourcesFit,
//     args: { scoringStrategy: { type: MostAllocated } } }] }]

import { parse } from 'yaml';
import { DEFAULT_MULTI_POINT } from '../plugins/registry.ts';

export const EXTENSION_POINTS = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

export type Plugins = { multiPoint?: PluginSet } & { [P in ExtensionPoint]?: PluginSet };

export interface PluginConfig {
  name: string;
  args?: Record<string, unknown>;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
}

export interface ResolvedProfile {
  schedulerName: string;
  percentageOfNodesToScore: number | undefined;
  /** merged with the defaults; multiPoint is expanded by the framework */
  plugins: { multiPoint: Required<PluginSet> } & { [P in ExtensionPoint]: Required<PluginSet> };
  pluginArgs: Map<string, Record<string, unknown>>;
}

export interface ResolvedConfiguration {
  percentageOfNodesToScore: number;
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
  profiles: ResolvedProfile[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Default args per plugin (pluginConfig entries replace these field by field). */
export const DEFAULT_PLUGIN_ARGS: Readonly<Record<string, Record<string, unknown>>> = {
  NodeResourcesFit: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } },
  NodeResourcesBalancedAllocation: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] },
  PodTopologySpread: { defaultingType: 'System' },
  InterPodAffinity: { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false },
  DefaultPreemption: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 },
  VolumeBinding: { bindTimeoutSeconds: 600 },
};

/** Parse the YAML (or JSON) text of a KubeSchedulerConfiguration. */
export function parseSchedulerConfiguration(text: string): KubeSchedulerConfiguration {
  const doc: unknown = parse(text);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError('scheduler configuration must be a mapping');
  const cfg = doc as KubeSchedulerConfiguration;
  if (cfg.kind !== undefined && cfg.kind !== 'KubeSchedulerConfiguration') throw new ConfigError(`unexpected kind ${JSON.stringify(cfg.kind)}`);
  return cfg;
}

function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): Required<PluginSet> {
  const disabled = custom?.disabled ?? [];
  const customEnabled = custom?.enabled ?? [];
  const disabledNames = new Set(disabled.map((p) => p.name));
  const enabled: PluginRef[] = [];
  const replaced = new Set<number>();
  if (!disabledNames.has('*')) {
    for (const d of defaults.enabled ?? []) {
      if (disabledNames.has(d.name)) continue;
      const i = customEnabled.findIndex((c) => c.name === d.name);
      if (i >= 0) {
        enabled.push(customEnabled[i]!);
        replaced.add(i);
      } else enabled.push(d);
    }
  }
  customEnabled.forEach((c, i) => {
    if (!replaced.has(i)) enabled.push(c);
  });
  return { enabled, disabled };
}

function validatePercentage(v: number | undefined, where: string): void {
  if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 100)) throw new ConfigError(`${where}: percentageOfNodesToScore must be in [0, 100]`);
}

export function resolveProfile(p: KubeSchedulerProfile): ResolvedProfile {
  const plugins = {
    multiPoint: mergePluginSet({ enabled: [...DEFAULT_MULTI_POINT] }, p.plugins?.multiPoint),
  } as ResolvedProfile['plugins'];
  for (const e of EXTENSION_POINTS) plugins[e] = mergePluginSet({}, p.plugins?.[e]);
  const pluginArgs = new Map<string, Record<string, unknown>>();
  for (const [name, args] of Object.entries(DEFAULT_PLUGIN_ARGS)) pluginArgs.set(name, { ...args });
  for (const pc of p.pluginConfig ?? []) {
    if (!pc.name) throw new ConfigError('pluginConfig entry without a name');
    pluginArgs.set(pc.name, { ...(pluginArgs.get(pc.name) ?? {}), ...(pc.args ?? {}) });
  }
  validatePercentage(p.percentageOfNodesToScore, `profile ${p.schedulerName ?? DEFAULT_SCHEDULER_NAME}`);
  return {
    schedulerName: p.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    percentageOfNodesToScore: p.percentageOfNodesToScore,
    plugins,
    pluginArgs,
  };
}

/** Fill in defaults; accepts the object form or YAML text. */
export function resolveConfiguration(input: KubeSchedulerConfiguration | string = {}): ResolvedConfiguration {
  const cfg = typeof input === 'string' ? parseSchedulerConfiguration(input) : input;
  validatePercentage(cfg.percentageOfNodesToScore, 'configuration');
  const profiles = (cfg.profiles?.length ? cfg.profiles : [{}]).map(resolveProfile);
  const names = new Set<string>();
  for (const p of profiles) {
    if (names.has(p.schedulerName)) throw new ConfigError(`duplicate profile with schedulerName ${JSON.stringify(p.schedulerName)}`);
    names.add(p.schedulerName);
  }
  const initial = cfg.podInitialBackoffSeconds ?? 1;
  const max = cfg.podMaxBackoffSeconds ?? 10;
  if (initial <= 0 || max < initial) throw new ConfigError('podInitialBackoffSeconds must be > 0 and ≤ podMaxBackoffSeconds');
  return {
    percentageOfNodesToScore: cfg.percentageOfNodesToScore ?? 0,
    podInitialBackoffMs: initial * 1000,
    podMaxBackoffMs: max * 1000,
    profiles,
  };
}
