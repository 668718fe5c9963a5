import { describe } from 'vitest';
import { defaultingTable, updateTable, validationTable } from '../testing/cases.ts';

describe('daemonset defaulting', () => {
  defaultingTable('daemonsets', [
    ['updateStrategy defaults to RollingUpdate, maxUnavailable 1, maxSurge 0', {}, (d) => d.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }],
    ['OnDelete gets no rollingUpdate', { spec: { updateStrategy: { type: 'OnDelete' } } }, (d) => d.spec.updateStrategy, { type: 'OnDelete' }],
    ['revisionHistoryLimit defaults to 10', {}, (d) => d.spec.revisionHistoryLimit, 10],
  ]);
});

describe('daemonset validation', () => {
  validationTable('daemonsets', [
    ['the selector must match the template labels', { spec: { selector: { matchLabels: { app: 'x' } } } }, { field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' }],
    ['the template restartPolicy must be Always', { spec: { template: { spec: { restartPolicy: 'OnFailure' } } } }, { field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported' }],
    ['maxSurge and maxUnavailable may not both be 0', { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } } },
      { field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', reason: 'FieldValueRequired' }],
    ['maxSurge and maxUnavailable may not both be set', { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } } },
      { field: 'spec.updateStrategy.rollingUpdate.maxSurge', reason: 'FieldValueInvalid' }],
    ['maxUnavailable is at most 100%', { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: '150%' } } } }, { field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', reason: 'FieldValueInvalid' }],
    ['updateStrategy type must be known', { spec: { updateStrategy: { type: 'Surge' } } }, { field: 'spec.updateStrategy.type', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('daemonset update validation', () => {
  updateTable('daemonsets', [
    ['changing the template is allowed', {}, (d) => { d.spec.template.spec.containers[0].image = 'agent:2'; }, null],
    ['the selector is immutable', {}, (d) => { d.spec.selector.matchLabels.tier = 'x'; d.spec.template.metadata.labels.tier = 'x'; }, { field: 'spec.selector', reason: 'FieldValueInvalid' }],
  ]);
});
