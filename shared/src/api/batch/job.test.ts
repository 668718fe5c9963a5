import { describe, expect, it } from 'vitest';
import { makeObject } from '../fixtures.ts';
import { defaulted, defaultingTable, updateTable, validationTable } from '../testing/cases.ts';
import { addJobSelector, jobKind, type Job } from './job.ts';

describe('job defaulting', () => {
  defaultingTable('jobs', [
    ['completions and parallelism default to 1 when both are unset', {}, (j) => [j.spec.completions, j.spec.parallelism], [1, 1]],
    ['with parallelism set, completions stays unset', { spec: { parallelism: 3 } }, (j) => [j.spec.completions, j.spec.parallelism], [undefined, 3]],
    ['with completions set, parallelism defaults to 1', { spec: { completions: 5 } }, (j) => [j.spec.completions, j.spec.parallelism], [5, 1]],
    ['backoffLimit defaults to 6', {}, (j) => j.spec.backoffLimit, 6],
    ['backoffLimit is unlimited with backoffLimitPerIndex', { spec: { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1 } }, (j) => j.spec.backoffLimit, 2147483647],
    ['completionMode defaults to NonIndexed', {}, (j) => j.spec.completionMode, 'NonIndexed'],
    ['suspend defaults to false', {}, (j) => j.spec.suspend, false],
    ['podReplacementPolicy defaults to TerminatingOrFailed', {}, (j) => j.spec.podReplacementPolicy, 'TerminatingOrFailed'],
    ['podReplacementPolicy is Failed with a podFailurePolicy', { spec: { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } } },
      (j) => [j.spec.podReplacementPolicy, j.spec.podFailurePolicy.rules[0].onPodConditions[0].status], ['Failed', 'True']],
    ['the job gets the template labels when it has none', {}, (j) => j.metadata.labels, { 'batch.kubernetes.io/controller-uid': 'u-1' }],
  ]);
});

describe('addJobSelector', () => {
  it('selects the job\'s pods by its uid and labels the template', () => {
    const job = makeObject<Job>('jobs', { metadata: { uid: 'u-9' } });
    delete job.spec.selector;
    job.spec.template.metadata = {};
    addJobSelector(job);
    expect(job.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-9' } });
    expect(job.spec.template.metadata?.labels).toEqual({
      'batch.kubernetes.io/controller-uid': 'u-9', 'controller-uid': 'u-9', 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi',
    });
    jobKind.setDefaults(job);
    expect(jobKind.validate(job)).toEqual([]);
  });
});

describe('job validation', () => {
  validationTable('jobs', [
    ['the template restartPolicy must be OnFailure or Never', { spec: { template: { spec: { restartPolicy: 'Always' } } } },
      { field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"' }],
    ['a selector is required', { spec: { selector: null } }, { field: 'spec.selector', reason: 'FieldValueRequired' }],
    ['the selector must match the template labels', { spec: { selector: { matchLabels: { x: 'y' } } } }, { field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' }],
    ['parallelism may not be negative', { spec: { parallelism: -1 } }, { field: 'spec.parallelism', reason: 'FieldValueInvalid' }],
    ['completions may not be negative', { spec: { completions: -1 } }, { field: 'spec.completions', reason: 'FieldValueInvalid' }],
    ['backoffLimit may not be negative', { spec: { backoffLimit: -1 } }, { field: 'spec.backoffLimit', reason: 'FieldValueInvalid' }],
    ['completionMode must be known', { spec: { completionMode: 'Ranked' } }, { field: 'spec.completionMode', reason: 'FieldValueNotSupported' }],
    ['Indexed jobs need completions', { spec: { completionMode: 'Indexed', parallelism: 2 } }, { field: 'spec.completions', message: 'Required value: when completion mode is Indexed' }],
  ]);
});

describe('job update validation', () => {
  updateTable('jobs', [
    ['suspending is allowed', {}, (j) => { j.spec.suspend = true; }, null],
    ['changing parallelism is allowed', {}, (j) => { j.spec.parallelism = 4; }, null],
    ['the selector is immutable', {}, (j) => { j.spec.selector.matchLabels.x = 'y'; j.spec.template.metadata.labels.x = 'y'; }, { field: 'spec.selector', reason: 'FieldValueInvalid' }],
    ['completions are immutable', {}, (j) => { j.spec.completions = 3; }, { field: 'spec.completions', message: 'Invalid value: 3: field is immutable' }],
    ['the template is immutable while running', {}, (j) => { j.spec.template.spec.containers[0].image = 'x:2'; }, { field: 'spec.template', reason: 'FieldValueInvalid' }],
    ['the template may change while suspended', { spec: { suspend: true } }, (j) => { j.spec.template.spec.containers[0].image = 'x:2'; }, null],
  ]);
});

describe('job selectable fields', () => {
  it('exposes status.successful', () => {
    expect(jobKind.selectableFields(defaulted<Job>('jobs', { status: { succeeded: 2 } }))).toEqual({ 'status.successful': '2' });
  });
});
