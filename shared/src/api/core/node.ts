// Node (core/v1): a machine pods run on; kubesim's node simulator registers and heartbeats
// these. Spec: podCIDR(s), providerID, unschedulable, taints. Status: capacity/allocatable
// (allocatable defaults to capacity), conditions, addresses, daemonEndpoints, nodeInfo,
// images. Field selector: spec.unschedulable.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ResourceListSchema, validateResourceList } from '../common/quantity.ts';
import { bool, int, obj, opt, str, strList, time, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired, validateEnum } from '../validation/field.ts';
import { isQualifiedName, isValidCIDR, isValidLabelValue } from '../validation/names.ts';
import { TAINT_EFFECTS } from './affinity.ts';

export const NODE_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'] as const;

export const TaintSchema = obj({
  key: str().describe('The taint key.'),
  value: opt(str(), 'The taint value.'),
  effect: str().describe('NoSchedule, PreferNoSchedule or NoExecute.'),
  timeAdded: opt(time(), 'When a NoExecute taint was added.'),
});
export type Taint = z.infer<typeof TaintSchema>;

export const NodeSpecSchema = obj({
  podCIDR: opt(str(), 'The pod IP range assigned to the node.'),
  podCIDRs: opt(strList(), 'The pod IP ranges, one per IP family.'),
  providerID: opt(str(), 'The node\'s id in the cloud provider: <provider>://<id>.'),
  unschedulable: opt(bool(), 'If true, no new pods are scheduled to the node (kubectl cordon).'),
  taints: opt(z.array(TaintSchema), 'Taints that repel pods without a matching toleration.'),
  configSource: opt(obj({})),
  externalID: opt(str()),
});

const NodeAddressSchema = obj({ type: str().describe('Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'), address: str() });

export const NodeSystemInfoSchema = obj({
  machineID: str(),
  systemUUID: str(),
  bootID: str(),
  kernelVersion: str(),
  osImage: str(),
  containerRuntimeVersion: str(),
  kubeletVersion: str(),
  kubeProxyVersion: opt(str()),
  operatingSystem: str(),
  architecture: str(),
  swap: opt(obj({ capacity: opt(int()) })),
});

export const NodeStatusSchema = obj({
  capacity: opt(ResourceListSchema, 'Total resources of the node.'),
  allocatable: opt(ResourceListSchema, 'Resources available to pods (default: capacity).'),
  phase: opt(str(), 'Deprecated.'),
  conditions: opt(z.array(ConditionSchema), 'Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.'),
  addresses: opt(z.array(NodeAddressSchema), 'Addresses the node is reachable at.'),
  daemonEndpoints: opt(obj({ kubeletEndpoint: opt(obj({ Port: int() })) }), 'Endpoints of daemons on the node (the kubelet port).'),
  nodeInfo: opt(NodeSystemInfoSchema, 'Versions and ids reported by the node.'),
  images: opt(z.array(obj({ names: opt(strList()), sizeBytes: opt(int()) })), 'Images present on the node.'),
  volumesInUse: opt(strList()),
  volumesAttached: opt(z.array(obj({ name: str(), devicePath: str() }))),
  config: opt(obj({})),
  runtimeHandlers: opt(z.array(obj({ name: opt(str()), features: opt(obj({})) }))),
  features: opt(obj({})),
});

export const NodeSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(NodeSpecSchema, 'The behavior of the node.'),
  status: opt(NodeStatusSchema, 'The most recently observed status of the node.'),
});
export type Node = z.infer<typeof NodeSchema>;

export function setNodeDefaults(node: Node): void {
  node.spec ??= {};
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

function validateTaints(taints: Taint[] | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = at('spec.taints', i);
    for (const m of isQualifiedName(t.key)) causes.push(fieldInvalid(at(p, 'key'), t.key, m));
    if (t.value) for (const m of isValidLabelValue(t.value)) causes.push(fieldInvalid(at(p, 'value'), t.value, m));
    if (!t.effect) causes.push(fieldRequired(at(p, 'effect')));
    else causes.push(...validateEnum(t.effect, TAINT_EFFECTS, at(p, 'effect')));
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) causes.push(fieldDuplicate(p, t));
    seen.add(id);
  });
  return causes;
}

function validateNode(node: Node): StatusCause[] {
  const causes = validateTaints(node.spec?.taints);
  for (const cidr of node.spec?.podCIDRs ?? []) {
    if (!isValidCIDR(cidr)) causes.push(fieldInvalid('spec.podCIDRs', cidr, 'must be a valid CIDR value'));
  }
  causes.push(...validateResourceList(node.status?.capacity, 'status.capacity'));
  causes.push(...validateResourceList(node.status?.allocatable, 'status.allocatable'));
  return causes;
}

function validateNodeUpdate(node: Node, old: Node): StatusCause[] {
  const causes: StatusCause[] = [];
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && JSON.stringify(node.spec?.podCIDRs ?? []) !== JSON.stringify(oldCIDRs)) {
    causes.push(fieldForbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (old.spec?.providerID && node.spec?.providerID !== old.spec.providerID) {
    causes.push(fieldForbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return causes;
}

export const nodeKind = defineKind<Node>({
  type: resources.nodes,
  schema: NodeSchema,
  defaults: setNodeDefaults,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  fields: (node) => ({ 'spec.unschedulable': String(node.spec?.unschedulable ?? false) }),
});
