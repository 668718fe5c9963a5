import { describe, expect, it } from 'vitest';
import { alreadyExists, invalid, isAlreadyExists, isConflict, isNotFound, notFound } from './errors.ts';

describe('Status errors', () => {
  it('names a core resource without a group suffix, as kubectl prints it', () => {
    const err = notFound('pods', '', 'nope');
    expect(err.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
    expect(isNotFound(err)).toBe(true);
    expect(isConflict(err)).toBe(false);
  });

  it('names a grouped resource as plural.group', () => {
    const err = alreadyExists('deployments', 'apps', 'web');
    expect(err.message).toBe('deployments.apps "web" already exists');
    expect(isAlreadyExists(err)).toBe(true);
  });

  it('writes an Invalid message the way kubectl rebuilds it from causes', () => {
    const err = invalid('Deployment', 'apps', 'web', [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
    ]);
    expect(err.status.code).toBe(422);
    expect(err.message).toBe('Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });
});
