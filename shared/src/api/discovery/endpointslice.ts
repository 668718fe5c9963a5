// EndpointSlice (discovery.k8s.io/v1): a chunk (at most 1000 endpoints, 100 ports) of a
// service's backends, written by the endpointslice controller and read by proxies.
// Defaults: port name "" and protocol TCP. addressType (IPv4, IPv6, FQDN) is immutable.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { bool, int, obj, opt, str, strList, strMap, typeMetaShape } from '../common/schema.ts';
import { PROTOCOLS } from '../core/container.ts';
import { resources } from '../resources.ts';
import { at, fieldInvalid, fieldRequired, fieldTooMany, validateEnum, validateImmutableField, validatePortNumber } from '../validation/field.ts';
import { isDNS1123Subdomain, isIPv4, isIPv6 } from '../validation/names.ts';

export const EndpointSliceSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  addressType: str().describe('IPv4, IPv6 or FQDN: the kind of every address in the slice; immutable.'),
  endpoints: z.array(
    obj({
      addresses: strList().describe('The endpoint\'s addresses (consumers use the first).'),
      conditions: opt(
        obj({
          ready: opt(bool(), 'Ready to receive traffic (serving and not terminating).'),
          serving: opt(bool(), 'Passing readiness, regardless of termination.'),
          terminating: opt(bool(), 'Being terminated.'),
        }),
        'The state of the endpoint.',
      ),
      hostname: opt(str()),
      targetRef: opt(ObjectReferenceSchema, 'The object (usually a Pod) behind the endpoint.'),
      deprecatedTopology: opt(strMap()),
      nodeName: opt(str(), 'The node hosting the endpoint.'),
      zone: opt(str(), 'The zone the endpoint is in.'),
      hints: opt(obj({ forZones: opt(z.array(obj({ name: str() }))), forNodes: opt(z.array(obj({ name: str() }))) }), 'Routing hints.'),
    }),
  ).describe('The backends of the service in this slice.'),
  ports: opt(
    z.array(obj({ name: opt(str()), protocol: opt(str()), port: opt(int()), appProtocol: opt(str()) })),
    'Ports every endpoint exposes; empty means all ports.',
  ),
});
export type EndpointSlice = z.infer<typeof EndpointSliceSchema>;

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

function validateEndpointSlice(s: EndpointSlice): StatusCause[] {
  const causes = validateEnum(s.addressType, ADDRESS_TYPES, 'addressType');
  if (s.endpoints.length > 1000) causes.push(fieldTooMany('endpoints', s.endpoints.length, 1000));
  s.endpoints.forEach((e, i) => {
    const p = at('endpoints', i);
    if (e.addresses.length === 0) causes.push(fieldRequired(at(p, 'addresses'), 'must contain at least 1 address'));
    if (e.addresses.length > 100) causes.push(fieldTooMany(at(p, 'addresses'), e.addresses.length, 100));
    e.addresses.forEach((a, j) => {
      const ok = s.addressType === 'IPv4' ? isIPv4(a) : s.addressType === 'IPv6' ? isIPv6(a) : isDNS1123Subdomain(a).length === 0;
      if (!ok) causes.push(fieldInvalid(at(p, 'addresses', j), a, `must be a valid ${s.addressType} address`));
    });
  });
  const ports = s.ports ?? [];
  if (ports.length > 100) causes.push(fieldTooMany('ports', ports.length, 100));
  ports.forEach((port, i) => {
    const p = at('ports', i);
    if (port.port !== undefined) causes.push(...validatePortNumber(port.port, at(p, 'port')));
    causes.push(...validateEnum(port.protocol, PROTOCOLS, at(p, 'protocol')));
  });
  return causes;
}

export const endpointSliceKind = defineKind<EndpointSlice>({
  type: resources.endpointslices,
  schema: EndpointSliceSchema,
  defaults(s) {
    for (const p of s.ports ?? []) {
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
  validate: validateEndpointSlice,
  validateUpdate: (s, old) => validateImmutableField(s.addressType, old.addressType, 'addressType'),
});
