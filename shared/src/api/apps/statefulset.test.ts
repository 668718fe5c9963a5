import { describe, expect, it } from 'vitest';
import { kindDefinitions } from '../kinds.ts';
import { defaulted, defaultingTable, updateTable, validationTable } from '../testing/cases.ts';

const claim = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

describe('statefulset defaulting', () => {
  defaultingTable('statefulsets', [
    ['replicas defaults to 1', {}, (s) => s.spec.replicas, 1],
    ['podManagementPolicy defaults to OrderedReady', {}, (s) => s.spec.podManagementPolicy, 'OrderedReady'],
    ['updateStrategy defaults to RollingUpdate with partition 0', {}, (s) => s.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }],
    ['OnDelete gets no rollingUpdate', { spec: { updateStrategy: { type: 'OnDelete' } } }, (s) => s.spec.updateStrategy, { type: 'OnDelete' }],
    ['revisionHistoryLimit defaults to 10', {}, (s) => s.spec.revisionHistoryLimit, 10],
    ['claims are retained when deleted or scaled', {}, (s) => s.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' }],
    ['claim templates default to Filesystem', { spec: { volumeClaimTemplates: [claim] } }, (s) => s.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem'],
  ]);
});

describe('statefulset validation', () => {
  validationTable('statefulsets', [
    ['replicas may not be negative', { spec: { replicas: -1 } }, { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }],
    ['podManagementPolicy must be known', { spec: { podManagementPolicy: 'Random' } }, { field: 'spec.podManagementPolicy', reason: 'FieldValueNotSupported' }],
    ['updateStrategy type must be known', { spec: { updateStrategy: { type: 'Recreate', rollingUpdate: null } } }, { field: 'spec.updateStrategy.type', reason: 'FieldValueNotSupported' }],
    ['partition may not be negative', { spec: { updateStrategy: { rollingUpdate: { partition: -1 } } } }, { field: 'spec.updateStrategy.rollingUpdate.partition', reason: 'FieldValueInvalid' }],
    ['OnDelete may not have rollingUpdate', { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } } }, { field: 'spec.updateStrategy.rollingUpdate', reason: 'FieldValueInvalid' }],
    ['the selector must match the template labels', { spec: { selector: { matchLabels: { app: 'db' } } } }, { field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' }],
    ['the template restartPolicy must be Always', { spec: { template: { spec: { restartPolicy: 'Never' } } } }, { field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported' }],
    ['claim templates need access modes', { spec: { volumeClaimTemplates: [{ ...claim, spec: { resources: { requests: { storage: '1Gi' } } } }] } },
      { field: 'spec.volumeClaimTemplates[0].spec.accessModes', reason: 'FieldValueRequired' }],
    ['retention policies must be known', { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' } } }, { field: 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('statefulset claim templates', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withMount = (name: string): any => {
    const s = defaulted<any>('statefulsets', { spec: { volumeClaimTemplates: [claim] } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    s.spec.template.spec.containers[0].volumeMounts = [{ name, mountPath: '/data' }];
    return s;
  };
  it('lets a container mount a claim template by name, the volume each pod gets', () => {
    expect(kindDefinitions.statefulsets.validate(withMount('data'))).toEqual([]);
  });
  it('still refuses a mount that names neither a volume nor a claim template', () => {
    expect(kindDefinitions.statefulsets.validate(withMount('logs'))).toContainEqual(
      expect.objectContaining({ field: 'spec.template.spec.containers[0].volumeMounts[0].name', message: 'Not found: "logs"' }),
    );
  });
});

describe('statefulset update validation', () => {
  updateTable('statefulsets', [
    ['scaling is allowed', {}, (s) => { s.spec.replicas = 3; }, null],
    ['changing the template is allowed', {}, (s) => { s.spec.template.spec.containers[0].image = 'db:2'; }, null],
    ['changing the update strategy is allowed', {}, (s) => { s.spec.updateStrategy.rollingUpdate.partition = 2; }, null],
    ['changing serviceName is forbidden', {}, (s) => { s.spec.serviceName = 'other'; },
      { field: 'spec', message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" }],
    ['changing the selector is forbidden', {}, (s) => { s.spec.selector.matchLabels.tier = 'x'; s.spec.template.metadata.labels.tier = 'x'; }, { field: 'spec', reason: 'FieldValueForbidden' }],
  ]);
});
