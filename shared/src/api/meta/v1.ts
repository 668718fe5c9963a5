// meta/v1 wire types that are not stored kinds: Status (errors), List and WatchEvent
// envelopes, DeleteOptions, Table (kubectl get's server-side printing) and
// PartialObjectMetadata. Schemas for the apiserver to parse requests and publish OpenAPI.

import { z } from 'zod';
import { ListMetaSchema, ObjectMetaSchema } from '../common/object-meta.ts';
import { anyJson, bool, int, obj, opt, str, strList, typeMetaShape } from '../common/schema.ts';

export const StatusCauseSchema = obj({
  reason: opt(str(), 'Machine-readable cause, e.g. FieldValueInvalid.'),
  message: opt(str(), 'Human-readable description of the cause.'),
  field: opt(str(), 'The field at fault, e.g. spec.containers[0].image.'),
});

export const StatusSchema = obj({
  ...typeMetaShape,
  metadata: opt(ListMetaSchema),
  status: opt(str(), 'Success or Failure.'),
  message: opt(str(), 'Human-readable description of the status.'),
  reason: opt(str(), 'Machine-readable reason, e.g. NotFound, AlreadyExists, Invalid.'),
  details: opt(
    obj({
      name: opt(str()),
      group: opt(str()),
      kind: opt(str()),
      uid: opt(str()),
      causes: opt(z.array(StatusCauseSchema)),
      retryAfterSeconds: opt(int()),
    }),
    'Extra data about the reason.',
  ),
  code: opt(int(), 'The HTTP status code.'),
});
export type StatusObject = z.infer<typeof StatusSchema>;

export const PreconditionsSchema = obj({ uid: opt(str()), resourceVersion: opt(str()) });

export const DeleteOptionsSchema = obj({
  ...typeMetaShape,
  gracePeriodSeconds: opt(int(), 'Seconds before the object is deleted; 0 means now.'),
  preconditions: opt(PreconditionsSchema, 'Delete only if uid / resourceVersion match.'),
  orphanDependents: opt(bool(), 'Deprecated: use propagationPolicy.'),
  propagationPolicy: opt(str(), 'Orphan, Background or Foreground garbage collection of dependents.'),
  dryRun: opt(strList(), 'All: do not persist.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: opt(bool()),
});
export type DeleteOptionsObject = z.infer<typeof DeleteOptionsSchema>;

/** `{ apiVersion, kind: <Kind>List, metadata, items }` */
export function listSchema<T extends z.ZodType>(item: T) {
  return obj({
    ...typeMetaShape,
    metadata: ListMetaSchema,
    items: z.array(item).describe('The objects of the list.'),
  });
}

/** one watch event: `{ type: ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, object }` */
export function watchEventSchema<T extends z.ZodType>(object: T) {
  return obj({
    type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']).describe('The kind of change.'),
    object: z.union([object, StatusSchema]).describe('The object (or a Status for ERROR).'),
  });
}

export const PartialObjectMetadataSchema = obj({ ...typeMetaShape, metadata: ObjectMetaSchema });

export const TableColumnDefinitionSchema = obj({
  name: str().describe('Column header, e.g. NAME or READY.'),
  type: str().describe('OpenAPI type: string, integer, number, boolean, date.'),
  format: str().describe('Format hint, e.g. name.'),
  description: str(),
  priority: int().describe('0 for default columns; higher ones appear only in wide output.'),
});

export const TableSchema = obj({
  ...typeMetaShape,
  metadata: ListMetaSchema,
  columnDefinitions: z.array(TableColumnDefinitionSchema).describe('The columns of the table.'),
  rows: z
    .array(
      obj({
        cells: z.array(anyJson()).describe('One value per column.'),
        conditions: opt(z.array(obj({ type: str(), status: str(), reason: opt(str()), message: opt(str()) }))),
        object: opt(anyJson(), 'The object (or its metadata) the row shows, when asked for.'),
      }),
    )
    .describe('The rows of the table.'),
});
export type Table = z.infer<typeof TableSchema>;
