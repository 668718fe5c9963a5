// Which PersistentVolume a claim binds to (Kubernetes: pkg/controller/volume/persistentvolume
// index.go findBestMatchForClaim). A candidate is Available (or pre-bound to this claim
// through its claimRef), of the claim's storage class, offers every requested access mode
// and the same volumeMode, holds at least the requested storage, and carries the labels
// the claim's selector asks for. A volume pre-bound to the claim wins; otherwise the
// smallest that fits. With WaitForFirstConsumer, a volume with node affinity must allow the
// node the scheduler selected.
// A claim without storageClassName asks for the default class: the apiserver's
// DefaultStorageClass admission names it at creation, and a claim created before any
// default class existed is matched as if it did (Kubernetes writes the name in later).
import { labelSelectorAsSelector, tryParseQuantity } from '@kubesim/shared';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '@kubesim/shared';
import { nodeMatchesTerm } from '../daemonset/predicates.ts';

export const IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export function isDefaultClass(sc: StorageClass): boolean {
  return sc.metadata.annotations?.[IS_DEFAULT_CLASS] === 'true' || sc.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** the newest default StorageClass, if any */
export function defaultClass(classes: readonly StorageClass[]): StorageClass | undefined {
  return [...classes].filter(isDefaultClass).sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
}

/** the class a claim asks for: its storageClassName, else the default class's name, else "" */
export function claimClass(pvc: PersistentVolumeClaim, classes: readonly StorageClass[]): string {
  const name = pvc.spec?.storageClassName;
  if (name !== undefined) return name;
  return defaultClass(classes)?.metadata.name ?? '';
}

function isPreBoundTo(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  return !!ref && ref.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
}

export function volumeFits(pv: PersistentVolume, pvc: PersistentVolumeClaim, className: string, node: Node | undefined): boolean {
  if (pv.metadata.deletionTimestamp) return false;
  if (pv.spec?.claimRef && !isPreBoundTo(pv, pvc)) return false;
  const phase = pv.status?.phase ?? 'Pending';
  if (!pv.spec?.claimRef && phase !== 'Available' && phase !== 'Pending') return false;
  if ((pv.spec?.storageClassName ?? '') !== className) return false;
  const modes = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m) => modes.includes(m))) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const want = tryParseQuantity(pvc.spec?.resources?.requests?.['storage'] ?? '0');
  const have = tryParseQuantity(pv.spec?.capacity?.['storage'] ?? '0');
  if (!want || !have || have.cmp(want) < 0) return false;
  if (pvc.spec?.selector && !labelSelectorAsSelector(pvc.spec.selector).matches(pv.metadata.labels ?? {})) return false;
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (node && terms && !terms.some((t) => nodeMatchesTerm(node, t))) return false;
  return true;
}

export function findBestMatch(pvc: PersistentVolumeClaim, volumes: readonly PersistentVolume[], className: string, node?: Node): PersistentVolume | undefined {
  const fits = volumes.filter((pv) => volumeFits(pv, pvc, className, node));
  const preBound = fits.find((pv) => isPreBoundTo(pv, pvc));
  if (preBound) return preBound;
  const size = (pv: PersistentVolume): ReturnType<typeof tryParseQuantity> => tryParseQuantity(pv.spec?.capacity?.['storage'] ?? '0');
  return [...fits].sort((a, b) => size(a)!.cmp(size(b)!) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
}
