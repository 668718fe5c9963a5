// How the scheduler tells the cluster what it decided, besides the binding itself:
// Events through the shared EventRecorder (core/v1, source component = the profile's
// schedulerName, e.g. "default-scheduler": Scheduled, FailedScheduling, Preempted; not
// correlated: kube-scheduler writes through the events API, which has no spam filter), and
// the PodScheduled=False condition (+ status.nominatedNodeName) through a strategic merge
// patch of pods/status, skipped when nothing would change.

import { createEventRecorder, formatTime, resources, seededRandom } from '@kubesim/shared';
import type { Client, Clock, EventRecorder, LoggerLike, Random } from '@kubesim/shared';
import type { EventSink } from './framework/interfaces.ts';
import { podKey } from './framework/pod-info.ts';
import type { Pod, PodCondition } from './types.ts';

export function newEventSink(client: Client | undefined, clock: Clock, logger: LoggerLike, random: Random): EventSink {
  if (!client) return { event() {} };
  const recorders = new Map<string, EventRecorder>();
  return {
    event: (regarding, type, reason, _action, note) => {
      const component = (regarding as Pod).spec?.schedulerName ?? 'default-scheduler';
      let r = recorders.get(component);
      if (!r) recorders.set(component, (r = createEventRecorder({ client, clock, component, logger, correlate: false, random: seededRandom(random.int(2 ** 31)) })));
      const isPod = Array.isArray((regarding as Pod).spec?.containers);
      r.event(regarding, type, reason, note, { resourceType: isPod ? resources.pods : resources.nodes });
    },
  };
}

export async function updatePodScheduledCondition(
  client: Client | undefined,
  clock: Clock,
  logger: LoggerLike,
  pod: Pod,
  reason: string,
  message: string,
  nominated: string | undefined,
): Promise<void> {
  if (!client) return;
  const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const nominationChanges = nominated !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominated;
  if (existing && existing.status === 'False' && existing.reason === reason && existing.message === message && !nominationChanges) return;
  const condition: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    reason,
    message,
    lastProbeTime: null,
    lastTransitionTime: existing?.status === 'False' && existing.lastTransitionTime ? existing.lastTransitionTime : formatTime(clock.now()),
  };
  const status: Record<string, unknown> = { conditions: [condition] };
  if (nominationChanges) status['nominatedNodeName'] = nominated || null;
  try {
    await client.patch(resources.pods, pod.metadata.name ?? '', { status }, { type: 'strategic', subresource: 'status', namespace: pod.metadata.namespace ?? 'default' });
  } catch (err) {
    logger.warn({ pod: podKey(pod), err: String(err) }, 'failed to update pod status');
  }
}
