// A replayable informer scenario for property tests: apply a list of operations (writes,
// dropped watches, 410s, list failures, time passing) to a server through a harness,
// with a SharedInformer watching, then report what the server holds and what the
// informer's cache and event handlers ended with. Any Client with a harness works:
// FakeClient here, the apiserver's in-process client later. Expect got == want == mirror.

import type { KubeObject } from '../api/meta.ts';
import type { ResourceType } from '../api/resources.ts';
import type { Client } from '../client/types.ts';
import { SharedInformer, deletionHandlingKey } from '../informer/shared-informer.ts';
import { metaNamespaceKey } from '../informer/store.ts';
import type { VirtualClock } from '../virtual-clock.ts';
import { FakeClient } from './fake-client.ts';

export type ScenarioOp =
  | { kind: 'put'; key: string; v: number; label: boolean }
  | { kind: 'delete'; key: string }
  | { kind: 'disconnect' }
  | { kind: 'expire' }
  | { kind: 'compact' }
  | { kind: 'failList' }
  | { kind: 'bookmark' }
  | { kind: 'tick'; ms: number };

export interface ScenarioSelector {
  namespace?: string;
  /** only `keep=yes` is understood by the expectation */
  labelSelector?: 'keep=yes';
}

/** what a server must offer for the scenario; faults a server cannot inject may be no-ops */
export interface InformerHarness {
  client: Client;
  clock: VirtualClock;
  disconnectWatches(): void;
  expireWatches(): void;
  compact(): void;
  failNextList(err: unknown): void;
  sendBookmarks(): void;
  openWatches(): number;
}

export function fakeClientHarness(clock: VirtualClock): InformerHarness {
  const client = new FakeClient({ clock });
  return {
    client,
    clock,
    disconnectWatches: () => client.disconnectWatches(),
    expireWatches: () => client.expireWatches(),
    compact: () => client.compact(),
    failNextList: (err) => client.failNext('list', err),
    sendBookmarks: () => client.sendBookmarks(),
    openWatches: () => client.openWatches(),
  };
}

export interface ScenarioResult {
  /** key → resourceVersion on the server, for the selected objects */
  want: Map<string, string>;
  /** key → resourceVersion in the informer's cache */
  got: Map<string, string>;
  /** key → resourceVersion as the event handlers saw it */
  mirror: Map<string, string>;
  /** watches still open after the informer stopped */
  openWatchesAfterStop: number;
}

type Obj = KubeObject & { data?: Record<string, string> };

/** run `ops` against `type` (a namespaced kind that accepts `data`, e.g. configmaps) */
export async function runInformerScenario(h: InformerHarness, type: ResourceType, ops: readonly ScenarioOp[], sel: ScenarioSelector = {}): Promise<ScenarioResult> {
  const { client, clock } = h;
  const informer = new SharedInformer<Obj>({ client, clock, type, pageSize: 2, ...sel });
  const mirror = new Map<string, string>();
  informer.addEventHandler({
    onAdd: (o) => void mirror.set(metaNamespaceKey(o), o.metadata.resourceVersion ?? ''),
    onUpdate: (_old, o) => void mirror.set(metaNamespaceKey(o), o.metadata.resourceVersion ?? ''),
    onDelete: (o) => void mirror.delete(deletionHandlingKey(o)),
  });
  informer.run();
  for (const o of ops) {
    if (o.kind === 'put') {
      const [namespace, name] = o.key.split('/') as [string, string];
      const obj: Obj = { metadata: { namespace, name, labels: o.label ? { keep: 'yes' } : {} }, data: { v: String(o.v) } };
      try {
        const cur = await client.get(type, name, { namespace });
        await client.update(type, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion ?? '' } }, { namespace });
      } catch {
        await client.create(type, obj, { namespace });
      }
    } else if (o.kind === 'delete') {
      const [namespace, name] = o.key.split('/') as [string, string];
      await client.delete(type, name, { namespace }).catch(() => undefined);
    } else if (o.kind === 'disconnect') h.disconnectWatches();
    else if (o.kind === 'expire') h.expireWatches();
    else if (o.kind === 'compact') h.compact();
    else if (o.kind === 'failList') h.failNextList(new Error('injected list failure'));
    else if (o.kind === 'bookmark') h.sendBookmarks();
    else await clock.advance(o.ms);
  }
  // long enough for a few backoffs
  await clock.advance(120_000);
  // injected list failures may still be pending: they were meant for the informer, not for us
  let server: Awaited<ReturnType<Client['list']>> | undefined;
  for (let attempt = 0; !server; attempt++) {
    try {
      server = await client.list(type, sel.namespace !== undefined ? { namespace: sel.namespace } : {});
    } catch (err) {
      if (attempt >= ops.length) throw err;
    }
  }
  const want = new Map(
    server.items
      .filter((o) => !sel.labelSelector || o.metadata.labels?.['keep'] === 'yes')
      .map((o) => [metaNamespaceKey(o), o.metadata.resourceVersion ?? ''] as const),
  );
  const got = new Map(informer.store.list().map((o) => [metaNamespaceKey(o), o.metadata.resourceVersion ?? ''] as const));
  const stopped = informer.stop();
  await clock.runUntilIdle({ maxTime: 60_000 });
  await stopped;
  return { want, got, mirror, openWatchesAfterStop: h.openWatches() };
}
