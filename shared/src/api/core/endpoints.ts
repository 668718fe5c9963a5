// Endpoints (core/v1): the addresses behind a service (legacy form of EndpointSlices),
// written by the endpoints controller. Defaults: port protocol TCP. Validation: IPs valid,
// ports in range, port names DNS labels (required when there are several).

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldInvalid, fieldRequired, validateEnum, validatePortNumber } from '../validation/field.ts';
import { isDNS1123Label, isValidIP } from '../validation/names.ts';
import { PROTOCOLS } from './container.ts';

export const EndpointAddressSchema = obj({
  ip: str().describe('The IP of this endpoint.'),
  hostname: opt(str(), 'Hostname of this endpoint.'),
  nodeName: opt(str(), 'The node hosting this endpoint.'),
  targetRef: opt(ObjectReferenceSchema, 'The object (usually a Pod) providing the endpoint.'),
});

export const EndpointPortSchema = obj({
  name: opt(str(), 'Must match the service port name.'),
  port: int().describe('The port number.'),
  protocol: opt(str(), 'TCP, UDP or SCTP (default TCP).'),
  appProtocol: opt(str()),
});

export const EndpointSubsetSchema = obj({
  addresses: opt(z.array(EndpointAddressSchema), 'Ready addresses.'),
  notReadyAddresses: opt(z.array(EndpointAddressSchema), 'Addresses not ready yet.'),
  ports: opt(z.array(EndpointPortSchema), 'Ports available on every address.'),
});

export const EndpointsSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  subsets: opt(z.array(EndpointSubsetSchema), 'Sets of addresses and the ports they all expose.'),
});
export type Endpoints = z.infer<typeof EndpointsSchema>;

function validateEndpoints(ep: Endpoints): StatusCause[] {
  const causes: StatusCause[] = [];
  (ep.subsets ?? []).forEach((s, i) => {
    const p = at('subsets', i);
    for (const list of ['addresses', 'notReadyAddresses'] as const) {
      (s[list] ?? []).forEach((a, j) => {
        if (!isValidIP(a.ip)) causes.push(fieldInvalid(at(p, list, j, 'ip'), a.ip, 'must be a valid IP address'));
      });
    }
    const ports = s.ports ?? [];
    ports.forEach((port, j) => {
      const pp = at(p, 'ports', j);
      if (ports.length > 1 && !port.name) causes.push(fieldRequired(at(pp, 'name')));
      if (port.name) for (const m of isDNS1123Label(port.name)) causes.push(fieldInvalid(at(pp, 'name'), port.name, m));
      causes.push(...validatePortNumber(port.port, at(pp, 'port')));
      causes.push(...validateEnum(port.protocol, PROTOCOLS, at(pp, 'protocol')));
    });
  });
  return causes;
}

export const endpointsKind = defineKind<Endpoints>({
  type: resources.endpoints,
  schema: EndpointsSchema,
  defaults(ep) {
    for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
  },
  validate: validateEndpoints,
});
