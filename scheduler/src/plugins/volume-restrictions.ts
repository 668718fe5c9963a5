// VolumeRestrictions (PreFilter, Filter), minimal: a PersistentVolumeClaim with access
// mode ReadWriteOncePod may be used by one pod in the whole cluster. Example: pod a uses
// claim `data` (ReadWriteOncePod) on node-1; pod b wanting `data` is rejected on every
// node with UnschedulableAndUnresolvable "node has pod using PersistentVolumeClaim with
// the same name and ReadWriteOncePod access mode" until a goes away.
// Simplification: the in-tree disk-conflict rules (GCE PD, EBS, RBD, iSCSI) are left out.

import type { ClusterEvent, EnqueueExtensions, FilterPlugin, Handle, PreFilterPlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { SKIP, SUCCESS, unresolvable } from '../framework/status.ts';

export const VOLUME_RESTRICTIONS = 'VolumeRestrictions';
export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

export function newVolumeRestrictions(_args: Record<string, unknown>, handle: Handle): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: VOLUME_RESTRICTIONS,
    preFilter(_state, pod) {
      const claims = (pod.pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
      if (claims.length === 0) return { status: SKIP };
      const rwop = claims.filter((c) => handle.listers.persistentVolumeClaim(pod.namespace, c)?.spec?.accessModes?.includes('ReadWriteOncePod'));
      if (rwop.length === 0) return { status: SUCCESS };
      for (const ni of handle.snapshot.list()) {
        for (const other of ni.pods) {
          if (other.namespace !== pod.namespace || other.key === pod.key) continue;
          for (const v of other.pod.spec?.volumes ?? []) {
            if (v.persistentVolumeClaim && rwop.includes(v.persistentVolumeClaim.claimName)) {
              return { status: unresolvable(ERR_REASON_RWOP_CONFLICT) };
            }
          }
        }
      }
      return { status: SUCCESS };
    },
    filter() {
      return SUCCESS;
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', actions: ActionType.Delete },
        { resource: 'PersistentVolumeClaim', actions: ActionType.Add | ActionType.Update },
      ];
    },
  };
}
