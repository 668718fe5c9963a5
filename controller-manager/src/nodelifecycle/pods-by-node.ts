// Pods by the node they are bound to: an index on the shared pod informer, added once by
// whichever controller asks first (the node lifecycle and taint eviction controllers both
// look up "every pod on node X" on each node change).

import type { Pod, SharedInformer } from '@kubesim/shared';

export const NODE_NAME_INDEX = 'spec.nodeName';

export function ensureNodeNameIndex(informer: SharedInformer<Pod>): void {
  try {
    informer.store.indexKeys(NODE_NAME_INDEX, '');
  } catch {
    informer.addIndexers({ [NODE_NAME_INDEX]: (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []) });
  }
}

export function podsOnNode(informer: SharedInformer<Pod>, nodeName: string): Pod[] {
  return informer.store.byIndex(NODE_NAME_INDEX, nodeName);
}
