// Running counts of the pods each controller controls, kept by the pod event handlers, so
// that a ReplicaSet sync reads four numbers instead of walking all of its pods: a rollout of
// a few hundred pods brings thousands of syncs, each after one pod changed. A tally's
// members are the pods the cache files under one controller-index value
// (`namespace/<controller uid>`, controller-index.ts); its counts hold for the questions
// last asked — the ReplicaSet's selector and template labels — and are counted afresh from
// the members when other questions come. kubesim's shortcut: Kubernetes walks every sync.
//   tallies.put(key, pod) / tallies.remove(key) from the handlers; tallies.counts(value, q)

import type { Pod } from '@kubesim/shared';
import { controllerIndexValue, controllerRef } from '../controller-index.ts';
import { matchesOnce, podFacts } from '../pod-facts.ts';

/** what a ReplicaSet sync asks of its pods, as question keys (for matchesOnce) and tests */
export interface TallyQuestions {
  /** the selector (its JSON) and whether it matches a pod */
  selector: string;
  matches(pod: Pod): boolean;
  /** the template labels (their JSON) and whether a pod carries them all */
  template: string;
  carries(pod: Pod): boolean;
}

export interface PodCounts {
  /** active pods the selector matches (the pods the ReplicaSet keeps) */
  owned: number;
  /** active pods the selector no longer matches (to be released) */
  unmatched: number;
  /** of the owned: carrying every template label */
  fullyLabeled: number;
  /** of the owned: Ready */
  ready: number;
}

interface Tally {
  value: string;
  /** the namespace and controller uid `value` is made of */
  namespace: string;
  uid: string;
  members: Map<string, Pod>;
  questions: TallyQuestions | undefined;
  counts: PodCounts;
}

/** (tests) check each sync's counts against a walk of the same pods; differences are noted */
export const tallyChecks: { enabled: boolean; checked: number; differences: string[] } = { enabled: false, checked: 0, differences: [] };

const zero = (): PodCounts => ({ owned: 0, unmatched: 0, fullyLabeled: 0, ready: 0 });

export class PodTallies {
  /** controller index value → its tally */
  readonly #tallies = new Map<string, Tally>();
  /** pod key → the tally it counts in */
  readonly #where = new Map<string, Tally>();

  /** the pod under `key` is now `pod` (added or changed) */
  put(key: string, pod: Pod): void {
    const uid = controllerRef(pod)?.uid;
    const namespace = pod.metadata.namespace ?? '';
    const was = this.#where.get(key);
    if (was && uid === was.uid && namespace === was.namespace) {
      // the usual update (a status change): same tally, swap what the pod contributes
      if (was.questions) {
        count(was.counts, was.members.get(key)!, was.questions, -1);
        count(was.counts, pod, was.questions, 1);
      }
      was.members.set(key, pod);
      return;
    }
    this.remove(key);
    if (uid === undefined) return; // an orphan: no controller asks about it
    const value = controllerIndexValue(namespace, uid);
    let t = this.#tallies.get(value);
    if (!t) this.#tallies.set(value, (t = { value, namespace, uid, members: new Map(), questions: undefined, counts: zero() }));
    t.members.set(key, pod);
    if (t.questions) count(t.counts, pod, t.questions, 1);
    this.#where.set(key, t);
  }

  /** the pod under `key` is gone */
  remove(key: string): void {
    const t = this.#where.get(key);
    if (!t) return;
    this.#where.delete(key);
    const pod = t.members.get(key)!;
    t.members.delete(key);
    if (t.members.size === 0) this.#tallies.delete(t.value);
    else if (t.questions) count(t.counts, pod, t.questions, -1);
  }

  /** the counts over the pods filed under `value` (controllerIndexValue), for these questions */
  counts(value: string, q: TallyQuestions): Readonly<PodCounts> {
    const t = this.#tallies.get(value);
    if (!t) return zero();
    if (t.questions?.selector !== q.selector || t.questions.template !== q.template) {
      t.questions = q;
      t.counts = zero();
      for (const pod of t.members.values()) count(t.counts, pod, q, 1);
    }
    return t.counts;
  }
}

/** add (sign 1) or take away (-1) what `pod` contributes to the counts */
function count(c: PodCounts, pod: Pod, q: TallyQuestions, sign: 1 | -1): void {
  const f = podFacts(pod);
  if (!f.active) return;
  if (!matchesOnce(pod, 'selector', q.selector, q.matches, f)) {
    c.unmatched += sign;
    return;
  }
  c.owned += sign;
  if (matchesOnce(pod, 'template', q.template, q.carries, f)) c.fullyLabeled += sign;
  if (f.ready) c.ready += sign;
}
