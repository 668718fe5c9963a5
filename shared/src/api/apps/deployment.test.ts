import { describe } from 'vitest';
import { defaultingTable, updateTable, validationTable } from '../testing/cases.ts';

describe('deployment defaulting', () => {
  defaultingTable('deployments', [
    ['replicas defaults to 1', {}, (d) => d.spec.replicas, 1],
    ['strategy defaults to RollingUpdate with 25% surge and unavailability', {}, (d) => d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }],
    ['a given maxSurge is kept', { spec: { strategy: { rollingUpdate: { maxSurge: 2 } } } }, (d) => d.spec.strategy.rollingUpdate, { maxSurge: 2, maxUnavailable: '25%' }],
    ['Recreate gets no rollingUpdate', { spec: { strategy: { type: 'Recreate' } } }, (d) => d.spec.strategy, { type: 'Recreate' }],
    ['revisionHistoryLimit defaults to 10', {}, (d) => d.spec.revisionHistoryLimit, 10],
    ['progressDeadlineSeconds defaults to 600', {}, (d) => d.spec.progressDeadlineSeconds, 600],
    ['the template gets pod spec defaults', {}, (d) => d.spec.template.spec.restartPolicy, 'Always'],
    ['the template does not get pod-only defaults', {}, (d) => d.spec.template.spec.enableServiceLinks, undefined],
  ]);
});

describe('deployment validation', () => {
  validationTable('deployments', [
    ['replicas may not be negative', { spec: { replicas: -1 } }, { field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0' }],
    ['a string replicas is a type error', { spec: { replicas: 'abc' } }, { field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: "abc": must be of type integer' }],
    ['the selector must match the template labels', { spec: { selector: { matchLabels: { app: 'db' } } } },
      { field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`' }],
    ['an empty selector is invalid', { spec: { selector: { matchLabels: null } } }, { field: 'spec.selector', message: 'Invalid value: {}: empty selector is invalid for deployment' }],
    ['selector operators must be known', { spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['web'] }] } } },
      { field: 'spec.selector.matchExpressions[0].operator', reason: 'FieldValueNotSupported' }],
    ['the template restartPolicy must be Always', { spec: { template: { spec: { restartPolicy: 'Never' } } } },
      { field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported', message: 'Unsupported value: "Never": supported values: "Always"' }],
    ['template pods may not have a deadline', { spec: { template: { spec: { activeDeadlineSeconds: 10 } } } }, { field: 'spec.template.spec.activeDeadlineSeconds', reason: 'FieldValueForbidden' }],
    ['template containers need an image', { spec: { template: { spec: { containers: [{ name: 'a' }] } } } }, { field: 'spec.template.spec.containers[0].image', reason: 'FieldValueRequired' }],
    ['maxSurge and maxUnavailable may not both be 0', { spec: { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } } },
      { field: 'spec.strategy.rollingUpdate.maxUnavailable', message: 'Invalid value: "0%": may not be 0 when `maxSurge` is 0' }],
    ['percentages must be well formed', { spec: { strategy: { rollingUpdate: { maxSurge: '25 %' } } } }, { field: 'spec.strategy.rollingUpdate.maxSurge', reason: 'FieldValueInvalid' }],
    ['maxUnavailable is at most 100%', { spec: { strategy: { rollingUpdate: { maxUnavailable: '110%' } } } },
      { field: 'spec.strategy.rollingUpdate.maxUnavailable', message: 'Invalid value: "110%": must not be greater than 100%' }],
    ['negative maxSurge is invalid', { spec: { strategy: { rollingUpdate: { maxSurge: -1 } } } }, { field: 'spec.strategy.rollingUpdate.maxSurge', reason: 'FieldValueInvalid' }],
    ['Recreate may not have rollingUpdate', { spec: { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }, { field: 'spec.strategy.rollingUpdate', reason: 'FieldValueForbidden' }],
    ['strategy type must be known', { spec: { strategy: { type: 'BlueGreen' } } }, { field: 'spec.strategy.type', reason: 'FieldValueNotSupported' }],
    ['progressDeadlineSeconds must exceed minReadySeconds', { spec: { minReadySeconds: 700 } },
      { field: 'spec.progressDeadlineSeconds', message: 'Invalid value: 600: must be greater than minReadySeconds' }],
    ['revisionHistoryLimit may not be negative', { spec: { revisionHistoryLimit: -2 } }, { field: 'spec.revisionHistoryLimit', reason: 'FieldValueInvalid' }],
    ['template label keys must be valid', { spec: { template: { metadata: { labels: { 'bad key': 'x' } } } } }, { field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' }],
  ]);
});

describe('deployment update validation', () => {
  updateTable('deployments', [
    ['scaling is allowed', {}, (d) => { d.spec.replicas = 5; }, null],
    ['changing the template is allowed', {}, (d) => { d.spec.template.spec.containers[0].image = 'nginx:2'; }, null],
    ['the selector is immutable', {}, (d) => { d.spec.selector = { matchLabels: { app: 'web', tier: 'x' } }; d.spec.template.metadata.labels.tier = 'x'; },
      { field: 'spec.selector', reason: 'FieldValueInvalid', message: 'Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable' }],
  ]);
});
