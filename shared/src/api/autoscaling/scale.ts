// Scale (autoscaling/v1): the body of the `scale` subresource of Deployments, ReplicaSets
// and StatefulSets (kubectl scale, autoscalers). spec.replicas is the desired count;
// status.selector is the label selector in string form.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { validateNonnegative } from '../validation/field.ts';

export const ScaleSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(obj({ replicas: opt(int(), 'The desired number of instances.') }), 'The desired scale.'),
  status: opt(
    obj({ replicas: int().describe('The actual number of instances.'), selector: opt(str(), 'Label query over the pods, as a string.') }),
    'The current scale.',
  ),
});
export type Scale = z.infer<typeof ScaleSchema>;

export function validateScale(s: Scale): StatusCause[] {
  return validateNonnegative(s.spec?.replicas, 'spec.replicas');
}
