// The OpenAPI v3 document of one group-version (`api/v1`, `apis/apps/v1`), as kubectl reads
// it: component schemas from the zod schemas (top-level kinds carry
// x-kubernetes-group-version-kind), and per resource the list/create/get/replace/patch/
// delete operations. Every PATCH lists the `fieldValidation` parameter and the four patch
// content types: that is how kubectl decides to rely on server-side validation and to
// compute strategic merge patches from x-kubernetes-patch-merge-key/-strategy.

import {
  allResources,
  definitionFor,
  IntOrStringSchema,
  LabelSelectorSchema,
  ListMetaSchema,
  ObjectMetaSchema,
  OwnerReferenceSchema,
  QuantitySchema,
  type ResourceType,
} from '@kubesim/shared';
import { definitionNameOf, definitionPrefix } from '../patch/strategic-meta.ts';
import { ComponentBuilder, META, type JsonSchema } from './schemas.ts';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema): JsonSchema => ({ 'application/json': { schema }, 'application/yaml': { schema } });

/** `api/v1` or `apis/apps/v1` for a resource's group-version. */
export function groupVersionPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `apis/${type.group}/${type.version}` : `api/${type.version}`;
}

/** All group-version paths kubesim serves, in a stable order. */
export function groupVersionPaths(): string[] {
  return [...new Set(allResources.map(groupVersionPath))].sort();
}

const query = (name: string, description: string, type = 'string'): JsonSchema => ({ name, in: 'query', description, schema: { type }, uniqueItems: true });
const params = {
  name: { name: 'name', in: 'path', required: true, description: 'name of the object', schema: { type: 'string' } },
  namespace: { name: 'namespace', in: 'path', required: true, description: 'object name and auth scope, such as for teams and projects', schema: { type: 'string' } },
  pretty: query('pretty', "If 'true', then the output is pretty printed."),
  dryRun: query('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.'),
  fieldManager: query('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  fieldValidation: query('fieldValidation', 'How the server treats unknown or duplicate fields: Ignore, Warn (the default) or Strict.'),
  force: query('force', 'Force is going to "force" Apply requests: it takes ownership of conflicting fields.', 'boolean'),
  labelSelector: query('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  fieldSelector: query('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  limit: query('limit', 'The maximum number of responses to return for a list call.', 'integer'),
  continue: query('continue', 'The continue token of a previous, chunked list call.'),
  resourceVersion: query('resourceVersion', 'Which resourceVersion a list or watch starts from.'),
  watch: query('watch', 'Watch for changes to the described resources and return them as a stream.', 'boolean'),
  timeoutSeconds: query('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'Request watch events with type BOOKMARK.', 'boolean'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  propagationPolicy: query('propagationPolicy', 'Whether and how garbage collection will be performed: Orphan, Background or Foreground.'),
};

const listParams = [params.labelSelector, params.fieldSelector, params.limit, params.continue, params.resourceVersion, params.watch, params.timeoutSeconds, params.allowWatchBookmarks];
const writeParams = [params.dryRun, params.fieldManager, params.fieldValidation];

const patchBody = (): JsonSchema => ({
  content: Object.fromEntries(
    ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [
      t,
      { schema: ref(`${META}Patch`) },
    ]),
  ),
  required: true,
});

function op(
  action: string,
  id: string,
  gvk: JsonSchema,
  parameters: JsonSchema[],
  responses: Record<string, JsonSchema>,
  requestBody?: JsonSchema,
): JsonSchema {
  const out: JsonSchema = {
    description: `${action} ${id}`,
    operationId: id,
    parameters,
    responses: Object.fromEntries(Object.entries(responses).map(([code, schema]) => [code, { description: code === '201' ? 'Created' : 'OK', content: json(schema) }])),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
  if (requestBody) out['requestBody'] = requestBody;
  return out;
}

/** Common meta.k8s.io schemas every document carries. */
function addMetaComponents(b: ComponentBuilder): void {
  b.components[`${META}Patch`] = { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' };
  b.components[`${META}Status`] = {
    type: 'object',
    description: 'Status is a return value for calls that do not return other objects.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      code: { type: 'integer', format: 'int32' },
      message: { type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string' },
      details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  };
  b.components[`${META}DeleteOptions`] = {
    type: 'object',
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      dryRun: { type: 'array', items: { type: 'string' } },
      gracePeriodSeconds: { type: 'integer', format: 'int64' },
      orphanDependents: { type: 'boolean' },
      preconditions: { type: 'object', properties: { resourceVersion: { type: 'string' }, uid: { type: 'string' } } },
      propagationPolicy: { type: 'string' },
    },
  };
}

function scaleSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Scale represents a scaling request for a resource.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { allOf: [ref(`${META}ObjectMeta`)], description: 'Standard object metadata.' },
      spec: { type: 'object', description: 'The desired number of instances.', properties: { replicas: { type: 'integer', format: 'int32', description: 'Desired number of instances.' } } },
      status: {
        type: 'object',
        description: 'The current status of the scaled object.',
        properties: { replicas: { type: 'integer', format: 'int32' }, selector: { type: 'string', description: 'Label query over the pods, in string form.' } },
        required: ['replicas'],
      },
    },
    'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
  };
}

function evictionSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Eviction evicts a pod from its node subject to certain policies and safety constraints.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { allOf: [ref(`${META}ObjectMeta`)] },
      deleteOptions: { allOf: [ref(`${META}DeleteOptions`)], description: 'DeleteOptions may be provided.' },
    },
    'x-kubernetes-group-version-kind': [{ group: 'policy', kind: 'Eviction', version: 'v1' }],
  };
}

/** Build the document of one group-version path (`apis/apps/v1`), or undefined if unknown. */
export function buildDocument(gvPath: string): JsonSchema | undefined {
  const types = allResources.filter((t) => groupVersionPath(t) === gvPath);
  if (types.length === 0) return undefined;
  const b = new ComponentBuilder();
  b.name(ObjectMetaSchema, `${META}ObjectMeta`);
  b.name(ListMetaSchema, `${META}ListMeta`);
  b.name(LabelSelectorSchema, `${META}LabelSelector`);
  b.name(OwnerReferenceSchema, `${META}OwnerReference`);
  b.name(IntOrStringSchema, 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  b.name(QuantitySchema, 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  addMetaComponents(b);
  const paths: Record<string, JsonSchema> = {};
  const root = `/${gvPath}`;
  for (const type of types) {
    const kindName = definitionNameOf(type);
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    b.addKind(definitionFor(type).schema, kindName, gvk);
    const listName = `${kindName}List`;
    b.components[listName] = {
      type: 'object',
      description: `${type.kind}List is a list of ${type.kind} objects.`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { allOf: [ref(`${META}ListMeta`)] },
        items: { type: 'array', items: ref(kindName) },
      },
      required: ['items'],
      'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${type.kind}List` }],
    };
    const K = type.kind;
    const ns = type.namespaced ? [params.namespace] : [];
    const collection = type.namespaced ? `${root}/namespaces/{namespace}/${type.resource}` : `${root}/${type.resource}`;
    const item = `${collection}/{name}`;
    const obj = ref(kindName);
    const status = ref(`${META}Status`);
    const deleteBody = { content: json(ref(`${META}DeleteOptions`)) };
    paths[collection] = {
      parameters: [...ns, params.pretty],
      get: op('list', `list${K}`, gvk, listParams, { '200': ref(listName) }),
      post: op('post', `create${K}`, gvk, writeParams, { '200': obj, '201': obj }, { content: json(obj), required: true }),
      delete: op('deletecollection', `deleteCollection${K}`, gvk, [...listParams, params.dryRun, params.gracePeriodSeconds, params.propagationPolicy], { '200': status }, deleteBody),
    };
    if (type.namespaced) paths[`${root}/${type.resource}`] = { parameters: [params.pretty], get: op('list', `list${K}ForAllNamespaces`, gvk, listParams, { '200': ref(listName) }) };
    paths[item] = {
      parameters: [params.name, ...ns, params.pretty],
      get: op('get', `read${K}`, gvk, [], { '200': obj }),
      put: op('put', `replace${K}`, gvk, writeParams, { '200': obj, '201': obj }, { content: json(obj), required: true }),
      patch: op('patch', `patch${K}`, gvk, [...writeParams, params.force], { '200': obj, '201': obj }, patchBody()),
      delete: op('delete', `delete${K}`, gvk, [params.dryRun, params.gracePeriodSeconds, params.propagationPolicy], { '200': obj, '202': obj }, deleteBody),
    };
    for (const sub of type.subresources) {
      if (sub === 'status') {
        paths[`${item}/status`] = {
          parameters: [params.name, ...ns, params.pretty],
          get: op('get', `read${K}Status`, gvk, [], { '200': obj }),
          put: op('put', `replace${K}Status`, gvk, writeParams, { '200': obj, '201': obj }, { content: json(obj), required: true }),
          patch: op('patch', `patch${K}Status`, gvk, [...writeParams, params.force], { '200': obj, '201': obj }, patchBody()),
        };
      } else if (sub === 'scale') {
        const scaleName = 'io.k8s.api.autoscaling.v1.Scale';
        b.components[scaleName] = scaleSchema();
        const sgvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
        const scale = ref(scaleName);
        paths[`${item}/scale`] = {
          parameters: [params.name, ...ns, params.pretty],
          get: op('get', `read${K}Scale`, sgvk, [], { '200': scale }),
          put: op('put', `replace${K}Scale`, sgvk, writeParams, { '200': scale, '201': scale }, { content: json(scale), required: true }),
          patch: op('patch', `patch${K}Scale`, sgvk, [...writeParams, params.force], { '200': scale, '201': scale }, patchBody()),
        };
      } else if (sub === 'eviction') {
        const evictionName = 'io.k8s.api.policy.v1.Eviction';
        b.components[evictionName] = evictionSchema();
        const egvk = { group: 'policy', version: 'v1', kind: 'Eviction' };
        paths[`${item}/eviction`] = {
          parameters: [params.name, ...ns, params.pretty],
          post: op('post', `create${K}Eviction`, egvk, writeParams, { '200': ref(evictionName), '201': ref(evictionName) }, { content: json(ref(evictionName)), required: true }),
        };
      }
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: b.components, securitySchemes: { BearerToken: { type: 'apiKey', in: 'header', name: 'authorization', description: 'Bearer Token authentication' } } },
  };
}

export { definitionPrefix };
