// The shared schema building blocks other packages may need (selectors, conditions,
// IntOrString, quantities, ObjectMeta, references), gathered for the package index.

export { IntOrStringSchema, scaledValueFromIntOrPercent, type IntOrString } from './intorstring.ts';
export { QuantitySchema, ResourceListSchema, validateResourceList, type QuantityValue, type ResourceList } from './quantity.ts';
export {
  LabelSelectorSchema,
  LabelSelectorRequirementSchema,
  isEmptySelector,
  selectorMatches,
  validateLabelSelector,
  validateLabels,
  type LabelSelector,
  type LabelSelectorRequirement,
} from './selector.ts';
export { ConditionSchema, MetaConditionSchema, CONDITION_STATUSES, type Condition, type MetaCondition } from './conditions.ts';
export {
  ObjectMetaSchema,
  OwnerReferenceSchema,
  ListMetaSchema,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type NameValidator,
} from './object-meta.ts';
export { ObjectReferenceSchema, type ObjectReference } from './object-reference.ts';
export { defineKind, schemaCauses, dropNulls, type KindParts } from './define.ts';
export { opt } from './schema.ts';
