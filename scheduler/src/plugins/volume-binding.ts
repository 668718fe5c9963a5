// VolumeBinding (PreFilter, Filter, PreBind), minimal. PreFilter: every claim the pod
// uses must exist and not be terminating; an unbound claim must have a StorageClass with
// `volumeBindingMode: WaitForFirstConsumer` (else "pod has unbound immediate
// PersistentVolumeClaims"). Filter: a bound claim's PersistentVolume node affinity must
// match the node ("node(s) had volume node affinity conflict"); a waiting claim needs an
// Available PV of its class reachable from the node, or a class with a provisioner
// ("node(s) didn't find available persistent volumes to bind"). PreBind records the choice
// on the claim (`volume.kubernetes.io/selected-node`) for a provisioner to act on.
// Example: claim `data` bound to a PV pinned to zone a → nodes in zone b are rejected.
// Simplification: kubesim does not bind PVs itself, and ignores capacity.

import type { ClusterEvent, EnqueueExtensions, FilterPlugin, Handle, PreBindPlugin, PreFilterPlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { errorStatus, SKIP, SUCCESS, unresolvable } from '../framework/status.ts';
import { resources } from '@kubesim/shared';
import type { PersistentVolume, PersistentVolumeClaim } from '../types.ts';
import { compileNodeSelector } from '../util/selectors.ts';

export const VOLUME_BINDING = 'VolumeBinding';
export const ERR_REASON_BIND_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_NOT_AVAILABLE = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const PRE_FILTER_KEY = 'PreFilter' + VOLUME_BINDING;

interface PreFilterState {
  boundPVs: PersistentVolume[];
  delayed: PersistentVolumeClaim[];
}

export function newVolumeBinding(_args: Record<string, unknown>, handle: Handle): PreFilterPlugin & FilterPlugin & PreBindPlugin & EnqueueExtensions {
  return {
    name: VOLUME_BINDING,
    preFilter(state, pod) {
      const claims = (pod.pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
      if (claims.length === 0) return { status: SKIP };
      const s: PreFilterState = { boundPVs: [], delayed: [] };
      let unboundImmediate = false;
      for (const name of claims) {
        const pvc = handle.listers.persistentVolumeClaim(pod.namespace, name);
        if (!pvc) return { status: unresolvable(`persistentvolumeclaim "${name}" not found`) };
        if (pvc.metadata.deletionTimestamp) return { status: unresolvable(`persistentvolumeclaim "${name}" is being deleted`) };
        const volumeName = pvc.spec?.volumeName;
        if (volumeName) {
          const pv = handle.listers.persistentVolume(volumeName);
          if (!pv) return { status: unresolvable(`pvc(s) bound to non-existent pv(s)`) };
          s.boundPVs.push(pv);
          continue;
        }
        const sc = pvc.spec?.storageClassName ? handle.listers.storageClass(pvc.spec.storageClassName) : undefined;
        if (sc?.volumeBindingMode === 'WaitForFirstConsumer') s.delayed.push(pvc);
        else unboundImmediate = true;
      }
      if (unboundImmediate) return { status: unresolvable(ERR_REASON_UNBOUND_IMMEDIATE) };
      state.write(PRE_FILTER_KEY, s);
      return { status: SUCCESS };
    },
    filter(state, _pod, ni) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!s || !ni.node) return SUCCESS;
      for (const pv of s.boundPVs) {
        const req = pv.spec?.nodeAffinity?.required;
        if (req && !compileNodeSelector(req)(ni.node)) return unresolvable(ERR_REASON_BIND_CONFLICT);
      }
      for (const pvc of s.delayed) {
        const cls = pvc.spec?.storageClassName ?? '';
        const sc = handle.listers.storageClass(cls);
        if (sc?.provisioner && sc.provisioner !== 'kubernetes.io/no-provisioner') continue;
        const fits = handle.listers.persistentVolumes().some((pv) => {
          if ((pv.spec?.storageClassName ?? '') !== cls || pv.spec?.claimRef || (pv.status?.phase ?? 'Available') !== 'Available') return false;
          const req = pv.spec?.nodeAffinity?.required;
          return !req || compileNodeSelector(req)(ni.node!);
        });
        if (!fits) return unresolvable(ERR_REASON_NOT_AVAILABLE);
      }
      return SUCCESS;
    },
    async preBind(state, _pod, nodeName) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!s || s.delayed.length === 0 || !handle.client) return SUCCESS;
      try {
        for (const pvc of s.delayed) {
          await handle.client.patch(resources.persistentvolumeclaims, pvc.metadata.name ?? '', { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } } }, {
            type: 'merge',
            namespace: pvc.metadata.namespace ?? 'default',
          });
        }
        return SUCCESS;
      } catch (err) {
        return errorStatus(err);
      }
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'PersistentVolumeClaim', actions: ActionType.Add | ActionType.Update },
        { resource: 'PersistentVolume', actions: ActionType.Add | ActionType.Update },
        { resource: 'StorageClass', actions: ActionType.Add | ActionType.Update },
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeLabel },
      ];
    },
  };
}
