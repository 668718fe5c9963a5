// Planning the EndpointSlice writes for one service (Kubernetes: the endpointslice
// Reconciler). Pure: given the service, the endpoints it should have (grouped by the set of
// ports they expose) and the slices that exist, it answers which slices to create, update
// and delete. Rules, as Kubernetes keeps them:
//   - slices not owned by this service (another UID) or of another addressType are deleted;
//   - an endpoint stays in the slice it is in (fewer writes, stable names); a slice whose
//     endpoints all left is deleted; new endpoints first fill slices that change anyway, then
//     other slices with room, then new slices of at most `maxPerSlice`;
//   - a service with no endpoints keeps exactly one placeholder slice (no ports, no endpoints).
// Worked example (max 3): slice A [p1 p2 p3], slice B [p4]; p2 goes, p5 p6 p7 come →
// A [p1 p3 p5] (updated anyway, filled first), B [p4 p6 p7] (filled), nothing created.

import { newControllerRef } from '@kubesim/shared';
import type { EndpointSlice, Service } from '@kubesim/shared';
import { deepEqual } from '../canonical.ts';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MAX_ENDPOINTS_PER_SLICE, isServiceIPSet, portSetKey } from './pod-endpoints.ts';
import type { SliceEndpoint, SlicePort } from './pod-endpoints.ts';

/** the endpoints of one port set */
export interface DesiredPortGroup {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

const RESERVED_LABELS = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

/** the service's labels (reserved keys dropped) plus service-name, managed-by and, for headless services, headless */
export function desiredSliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (!RESERVED_LABELS.has(k)) labels[k] = v;
  if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  labels[LABEL_MANAGED_BY] = ENDPOINTSLICE_CONTROLLER_NAME;
  return labels;
}

/** how an endpoint is recognised across syncs: its pod's UID (or, without one, its addresses) */
export function endpointKey(ep: SliceEndpoint): string {
  return ep.targetRef?.uid || ep.addresses.join(',');
}

export function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Service' && r.uid === svc.metadata.uid);
}

export function newEndpointSlice(svc: Service, ports: SlicePort[], endpoints: SliceEndpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name ?? ''}-`,
      namespace: svc.metadata.namespace ?? 'default',
      labels: desiredSliceLabels(svc),
      ownerReferences: [newControllerRef(svc, { apiVersion: 'v1', kind: 'Service' })],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

function isPlaceholder(slice: EndpointSlice, svc: Service): boolean {
  return slice.endpoints.length === 0 && (slice.ports ?? []).length === 0 && slice.addressType === 'IPv4' && ownedBy(slice, svc) && deepEqual(slice.metadata.labels ?? {}, desiredSliceLabels(svc));
}

export function planSlices(svc: Service, desired: ReadonlyMap<string, DesiredPortGroup>, existing: readonly EndpointSlice[], maxPerSlice = MAX_ENDPOINTS_PER_SLICE): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const labels = desiredSliceLabels(svc);
  const byPorts = new Map<string, EndpointSlice[]>();
  const sorted = [...existing].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const s of sorted) {
    if (!ownedBy(s, svc) || s.addressType !== 'IPv4') {
      plan.delete.push(s);
      continue;
    }
    const key = portSetKey(s.ports);
    byPorts.set(key, [...(byPorts.get(key) ?? []), s]);
  }

  for (const [key, group] of desired) {
    if (group.endpoints.length === 0) continue;
    const slices = byPorts.get(key) ?? [];
    byPorts.delete(key);
    const wanted = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const placed = new Set<string>();
    // keep each endpoint in the slice it is in, with its current state
    const work = slices.map((slice) => {
      let changed = !deepEqual(slice.metadata.labels ?? {}, labels);
      const endpoints: SliceEndpoint[] = [];
      for (const ep of slice.endpoints) {
        const k = endpointKey(ep);
        const want = wanted.get(k);
        if (!want || placed.has(k) || endpoints.length >= maxPerSlice) {
          changed = true;
          continue;
        }
        placed.add(k);
        if (!deepEqual(ep, want)) changed = true;
        endpoints.push(want);
      }
      return { slice, endpoints, changed, wasChanged: changed };
    });
    const fresh = [...wanted].filter(([k]) => !placed.has(k)).map(([, e]) => e);
    // new endpoints: slices written anyway first, then any slice with room
    for (const pass of [true, false]) {
      for (const w of work) {
        if (w.wasChanged !== pass) continue;
        while (fresh.length > 0 && w.endpoints.length < maxPerSlice) {
          w.endpoints.push(fresh.shift()!);
          w.changed = true;
        }
      }
    }
    for (const w of work) {
      if (w.endpoints.length === 0) plan.delete.push(w.slice);
      else if (w.changed) plan.update.push({ ...structuredClone(w.slice), metadata: { ...structuredClone(w.slice.metadata), labels }, endpoints: w.endpoints });
    }
    while (fresh.length > 0) plan.create.push(newEndpointSlice(svc, group.ports, fresh.splice(0, maxPerSlice)));
  }
  for (const rest of byPorts.values()) plan.delete.push(...rest);

  // no endpoints at all: one placeholder slice, kept if it is already there
  if (plan.delete.length === existing.length && plan.create.length === 0) {
    const only = plan.delete.length === 1 ? plan.delete[0]! : undefined;
    if (only && isPlaceholder(only, svc)) plan.delete = [];
    else plan.create.push(newEndpointSlice(svc, [], []));
  }
  return reuseDeletedSlices(svc, plan);
}

/** a slice about to be deleted becomes the next one to create, by update: one write, not two */
function reuseDeletedSlices(svc: Service, plan: SlicePlan): SlicePlan {
  const keep: EndpointSlice[] = [];
  for (const old of plan.delete) {
    const next = plan.create[0];
    if (!next || !ownedBy(old, svc) || old.addressType !== next.addressType) {
      keep.push(old);
      continue;
    }
    plan.create.shift();
    const metadata = { ...structuredClone(old.metadata), labels: next.metadata.labels ?? {}, ownerReferences: next.metadata.ownerReferences ?? [] };
    plan.update.push({ ...next, metadata });
  }
  plan.delete = keep;
  return plan;
}
