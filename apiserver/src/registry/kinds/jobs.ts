// Jobs: the selector Kubernetes generates on create (pkg/registry/batch/job/strategy.go).
// Unless spec.manualSelector is true, PrepareForCreate labels the pod template with
// `batch.kubernetes.io/controller-uid=<uid>`, `controller-uid=<uid>`,
// `batch.kubernetes.io/job-name` and `job-name`, and selects on the first, so
// `kubectl create job` needs no selector. The create path runs this before defaulting and
// validation (validation requires the selector). Importing this file registers the hook.
import { addJobSelector } from '@kubesim/shared';
import type { Job, KubeObject } from '@kubesim/shared';
import { extendStrategy } from '../strategy.ts';

export function prepareJobForCreate(obj: KubeObject): void {
  const job = obj as Job;
  // the table's reset of status, which this hook replaces
  delete (job as { status?: unknown }).status;
  (job as { status?: unknown }).status = {};
  if (!job.spec?.template) return;
  addJobSelector(job);
}

extendStrategy('batch', 'jobs', { prepareForCreate: prepareJobForCreate });
