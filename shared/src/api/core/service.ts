// Service (core/v1): a stable virtual IP and DNS name in front of selected pods. Defaults:
// type ClusterIP, sessionAffinity None, port protocol TCP, targetPort = port, traffic
// policies Cluster, ipFamilyPolicy SingleStack. Validation: ports, nodePorts (30000-32767,
// not with ClusterIP), clusterIPs, ExternalName; clusterIPs may not change once set.
// `patchAllocatedServiceValues` carries allocated IPs/nodePorts into an update that omits them.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { MetaConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { IntOrStringSchema } from '../common/intorstring.ts';
import { nameIsDNS1035Label } from '../../meta/names.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { bool, int, obj, opt, str, strList, strMap, typeMetaShape } from '../common/schema.ts';
import { validateLabels } from '../common/selector.ts';
import { resources } from '../resources.ts';
import {
  at,
  fieldDuplicate,
  fieldForbidden,
  fieldInvalid,
  fieldRequired,
  validateEnum,
  validatePortNumber,
} from '../validation/field.ts';
import { isDNS1123Label, isDNS1123Subdomain, isIPv6, isValidIP, isValidPortName } from '../validation/names.ts';
import { PROTOCOLS } from './container.ts';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

export const ServicePortSchema = obj({
  name: opt(str(), 'Name of the port (a DNS label); required when there is more than one port.'),
  protocol: opt(str(), 'TCP, UDP or SCTP (default TCP).'),
  appProtocol: opt(str(), 'Application protocol hint, e.g. http or kubernetes.io/h2c.'),
  port: int().describe('The port the service exposes.'),
  targetPort: opt(IntOrStringSchema, 'Port number or named container port on the pods (default: port).'),
  nodePort: opt(int(), 'Port on every node for NodePort and LoadBalancer services (allocated if unset).'),
});
export type ServicePort = z.infer<typeof ServicePortSchema>;

export const ServiceSpecSchema = obj({
  ports: opt(z.array(ServicePortSchema), 'The ports the service exposes.'),
  selector: opt(strMap(), 'Pods with these labels receive the traffic; without it, endpoints are managed by hand.'),
  clusterIP: opt(str(), 'The virtual IP; allocated if unset, "None" for a headless service; immutable.'),
  clusterIPs: opt(strList(), 'The virtual IPs, one per family; the first equals clusterIP.'),
  type: opt(str(), 'ClusterIP (default), NodePort, LoadBalancer or ExternalName.'),
  externalIPs: opt(strList(), 'Extra IPs on which nodes accept traffic for the service.'),
  sessionAffinity: opt(str(), 'ClientIP or None (default None).'),
  loadBalancerIP: opt(str(), 'Deprecated: requested load balancer IP.'),
  loadBalancerSourceRanges: opt(strList(), 'Client CIDRs allowed through the load balancer.'),
  externalName: opt(str(), 'DNS name the service aliases (type ExternalName).'),
  externalTrafficPolicy: opt(str(), 'Cluster or Local: whether external traffic may go to pods on other nodes.'),
  healthCheckNodePort: opt(int(), 'Health check node port for externalTrafficPolicy Local load balancers.'),
  publishNotReadyAddresses: opt(bool(), 'Publish endpoints of pods that are not ready.'),
  sessionAffinityConfig: opt(obj({ clientIP: opt(obj({ timeoutSeconds: opt(int(), 'Sticky time in seconds (default 10800).') })) }), 'Session affinity settings.'),
  ipFamilies: opt(strList(), 'IPv4 and/or IPv6, in order of clusterIPs.'),
  ipFamilyPolicy: opt(str(), 'SingleStack, PreferDualStack or RequireDualStack.'),
  allocateLoadBalancerNodePorts: opt(bool(), 'Whether LoadBalancer services get node ports (default true).'),
  loadBalancerClass: opt(str(), 'Which load balancer implementation handles the service.'),
  internalTrafficPolicy: opt(str(), 'Cluster or Local: whether in-cluster traffic may go to pods on other nodes.'),
  trafficDistribution: opt(str(), 'A preference for routing, e.g. PreferClose.'),
});
export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;

export const ServiceSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(ServiceSpecSchema, 'The behavior of the service.'),
  status: opt(
    obj({
      loadBalancer: opt(
        obj({
          ingress: opt(
            z.array(
              obj({
                ip: opt(str()),
                hostname: opt(str()),
                ipMode: opt(str()),
                ports: opt(z.array(obj({ port: int(), protocol: str(), error: opt(str()) }))),
              }),
            ),
          ),
        }),
        'The load balancer\'s ingress points.',
      ),
      conditions: opt(z.array(MetaConditionSchema)),
    }),
    'The most recently observed status of the service.',
  ),
});
export type Service = z.infer<typeof ServiceSchema>;

const usesNodePorts = (type: string | undefined): boolean => type === 'NodePort' || type === 'LoadBalancer';

export function setServiceDefaults(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ??= 'None';
  spec.type ??= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (usesNodePorts(spec.type)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
    if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
    spec.ipFamilyPolicy ??= 'SingleStack';
    if (!spec.ipFamilies) {
      const ip = spec.clusterIPs?.[0];
      spec.ipFamilies = [ip && isIPv6(ip) ? 'IPv6' : 'IPv4'];
    }
  }
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = (spec.sessionAffinityConfig ??= {});
    (cfg.clientIP ??= {}).timeoutSeconds ??= 10800;
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

function validatePorts(spec: ServiceSpec): StatusCause[] {
  const causes: StatusCause[] = [];
  const ports = spec.ports ?? [];
  const names = new Set<string>();
  const portKeys = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const path = at('spec.ports', i);
    if (ports.length > 1 && !p.name) causes.push(fieldRequired(at(path, 'name')));
    if (p.name) {
      for (const m of isDNS1123Label(p.name)) causes.push(fieldInvalid(at(path, 'name'), p.name, m));
      if (names.has(p.name)) causes.push(fieldDuplicate(at(path, 'name'), p.name));
      names.add(p.name);
    }
    causes.push(...validatePortNumber(p.port, at(path, 'port')));
    causes.push(...validateEnum(p.protocol, PROTOCOLS, at(path, 'protocol')));
    const tp = p.targetPort;
    if (typeof tp === 'number' && tp !== 0) causes.push(...validatePortNumber(tp, at(path, 'targetPort')));
    if (typeof tp === 'string' && tp !== '') for (const m of isValidPortName(tp)) causes.push(fieldInvalid(at(path, 'targetPort'), tp, m));
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (portKeys.has(key)) causes.push(fieldDuplicate(path, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    portKeys.add(key);
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (spec.type === 'ClusterIP' || spec.type === undefined) {
        causes.push(fieldForbidden(at(path, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
      } else if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
        causes.push(fieldInvalid(at(path, 'nodePort'), p.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
      }
      const nk = `${p.nodePort}/${p.protocol ?? 'TCP'}`;
      if (nodePorts.has(nk)) causes.push(fieldDuplicate(at(path, 'nodePort'), p.nodePort));
      nodePorts.add(nk);
    }
  });
  return causes;
}

function validateService(svc: Service): StatusCause[] {
  const spec = svc.spec ?? {};
  const causes = validateEnum(spec.type, SERVICE_TYPES, 'spec.type');
  const headless = spec.clusterIP === 'None';
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) causes.push(fieldRequired('spec.externalName'));
    else for (const m of isDNS1123Subdomain(spec.externalName.replace(/\.$/, ''))) causes.push(fieldInvalid('spec.externalName', spec.externalName, m));
    if (spec.clusterIP) causes.push(fieldForbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  } else if ((spec.ports ?? []).length === 0 && !headless) {
    causes.push(fieldRequired('spec.ports'));
  }
  causes.push(...validatePorts(spec));
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip === 'None' ? i > 0 || (spec.clusterIPs?.length ?? 0) > 1 : !isValidIP(ip)) {
      causes.push(fieldInvalid(at('spec.clusterIPs', i), ip, "must be empty, 'None', or a valid IP address"));
    }
  });
  if (spec.clusterIP && spec.clusterIPs?.[0] !== undefined && spec.clusterIP !== spec.clusterIPs[0]) {
    causes.push(fieldInvalid('spec.clusterIPs', spec.clusterIPs, 'first value must match `clusterIP`'));
  }
  if (headless && usesNodePorts(spec.type)) {
    causes.push(fieldInvalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`));
  }
  causes.push(...validateEnum(spec.sessionAffinity, ['ClientIP', 'None'], 'spec.sessionAffinity'));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    causes.push(fieldInvalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  }
  if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    causes.push(fieldForbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  if (spec.externalTrafficPolicy !== undefined && !usesNodePorts(spec.type)) {
    causes.push(fieldInvalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
  } else {
    causes.push(...validateEnum(spec.externalTrafficPolicy, ['Cluster', 'Local'], 'spec.externalTrafficPolicy'));
  }
  causes.push(...validateEnum(spec.internalTrafficPolicy, ['Cluster', 'Local'], 'spec.internalTrafficPolicy'));
  causes.push(...validateEnum(spec.ipFamilyPolicy, ['SingleStack', 'PreferDualStack', 'RequireDualStack'], 'spec.ipFamilyPolicy'));
  (spec.ipFamilies ?? []).forEach((f, i) => causes.push(...validateEnum(f, ['IPv4', 'IPv6'], at('spec.ipFamilies', i))));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isValidIP(ip)) causes.push(fieldInvalid(at('spec.externalIPs', i), ip, 'must be a valid IP address'));
  });
  causes.push(...validateLabels(spec.selector, 'spec.selector'));
  return causes;
}

function validateServiceUpdate(svc: Service, old: Service): StatusCause[] {
  const spec = svc.spec ?? {};
  const prev = old.spec ?? {};
  if (spec.type === 'ExternalName' || prev.type === 'ExternalName') return [];
  const causes: StatusCause[] = [];
  const next = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  (prev.clusterIPs ?? (prev.clusterIP ? [prev.clusterIP] : [])).forEach((ip, i) => {
    if (i === 0 ? next[0] !== ip : next.length > i && next[i] !== ip) {
      causes.push(fieldInvalid(at('spec.clusterIPs', i), next, 'may not change once set'));
    }
  });
  const fam = prev.ipFamilies?.[0];
  if (fam && spec.ipFamilies?.[0] !== undefined && spec.ipFamilies[0] !== fam) {
    causes.push(fieldInvalid('spec.ipFamilies[0]', spec.ipFamilies[0], 'may not change once set'));
  }
  return causes;
}

/** what Kubernetes' REST update does before validation: keep allocated IPs and node ports the client left out */
export function patchAllocatedServiceValues(svc: Service, old: Service): void {
  const spec = svc.spec;
  const prev = old.spec;
  if (!spec || !prev || spec.type === 'ExternalName' || prev.type === 'ExternalName') return;
  if (!spec.clusterIP && !spec.clusterIPs && prev.clusterIP) {
    spec.clusterIP = prev.clusterIP;
    if (prev.clusterIPs) spec.clusterIPs = [...prev.clusterIPs];
  }
  if (usesNodePorts(spec.type) && usesNodePorts(prev.type)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (prev.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
    if (!spec.healthCheckNodePort && prev.healthCheckNodePort) spec.healthCheckNodePort = prev.healthCheckNodePort;
  }
}

export const serviceKind = defineKind<Service>({
  type: resources.services,
  schema: ServiceSchema,
  nameRule: nameIsDNS1035Label,
  defaults: setServiceDefaults,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  fields: (svc) => ({ 'spec.clusterIP': svc.spec?.clusterIP ?? '', 'spec.type': svc.spec?.type ?? '' }),
});
