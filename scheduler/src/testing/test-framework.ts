// A Framework for unit tests: the default profile (or one given) over a SchedulerCache, with
// listers that find nothing unless told otherwise, a virtual clock, a fixed seed, no client
// and no events. `testFramework({ cache, listers: { workloadSelectorsFor } })`.

import { seededRandom, VirtualClock } from '@kubesim/shared';
import { SchedulerCache } from '../cache/cache.ts';
import { resolveProfile } from '../framework/config.ts';
import type { KubeSchedulerProfile } from '../framework/config.ts';
import { Framework } from '../framework/framework.ts';
import { emptyListers } from '../framework/empty-listers.ts';
import type { Listers } from '../framework/interfaces.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import type { ScoreBuffers } from '../framework/score-buffers.ts';
import { inTreeRegistry } from '../plugins/registry.ts';
import type { Registry } from '../plugins/registry.ts';

export interface TestFrameworkOptions {
  profile?: KubeSchedulerProfile;
  registry?: Registry;
  cache?: SchedulerCache;
  listers?: Partial<Listers>;
  scoreBuffers?: ScoreBuffers;
}

export function testFramework(o: TestFrameworkOptions = {}): Framework {
  return new Framework({
    profile: resolveProfile(o.profile ?? {}),
    registry: o.registry ?? inTreeRegistry,
    snapshot: o.cache ?? new SchedulerCache(new VirtualClock()),
    listers: emptyListers(o.listers),
    client: undefined,
    clock: new VirtualClock(),
    random: seededRandom(1),
    events: { event() {} },
    nominatedPodsForNode: () => [],
    podInfo: (p) => newPodInfo(p),
    ...(o.scoreBuffers ? { scoreBuffers: o.scoreBuffers } : {}),
  });
}
