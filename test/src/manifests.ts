// Manifests as people write them: YAML text with `---` between documents (or JSON),
// parsed into plain objects for `sim.apply`. Empty documents are skipped; a YAML error
// names the first problem.

import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@kubesim/shared';

export function parseManifests(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`invalid YAML: ${doc.errors[0]!.message}`);
    const v = doc.toJS() as KubeObject | null;
    if (v) out.push(v);
  }
  return out;
}
