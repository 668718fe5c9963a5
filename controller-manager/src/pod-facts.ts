// What the ReplicaSet controller asks of each of its pods on every sync — active? ready
// since when? controlled by whom? matched by this selector? — answered once per pod object
// and remembered. Informer objects are frozen and replaced when they change, so a WeakMap
// keyed by the object never goes stale (unfrozen objects, as tests build, are not
// remembered). Why: a sync of a 10,000-pod ReplicaSet reads these fields from pods of many
// shapes (pending, bound, running), which V8 reads slowly; a burst brings hundreds of syncs.
//   const f = podFacts(pod); if (f.active && f.ready) ...; matchesOnce(pod, 'selector', key, test)

import type { Pod } from '@kubesim/shared';
import { controllerRef } from './controller-index.ts';
import { isPodActive, podReadyCondition, readyLongEnough } from './pods.ts';

export interface PodFacts {
  readonly active: boolean;
  readonly ready: boolean;
  /** Ready's lastTransitionTime in ms; NaN when not ready or unknown */
  readonly readySince: number;
  /** the uid of the controller reference; undefined for an orphan */
  readonly controllerUid: string | undefined;
  /** per kind of question, the last one put by matchesOnce and its answer */
  asked?: Partial<Record<Question, { question: string; answer: boolean }>>;
}

/** the kinds of question a controller asks: does its selector match, does the pod carry its template's labels */
export type Question = 'selector' | 'template';

const facts = new WeakMap<Pod, PodFacts>();

function compute(pod: Pod): PodFacts {
  const cond = podReadyCondition(pod);
  const ready = cond?.status === 'True';
  return {
    active: isPodActive(pod),
    ready,
    readySince: ready ? Date.parse(cond.lastTransitionTime ?? '') : Number.NaN,
    controllerUid: controllerRef(pod)?.uid,
  };
}

export function podFacts(pod: Pod): PodFacts {
  let f = facts.get(pod);
  if (!f) {
    f = compute(pod);
    if (Object.isFrozen(pod)) facts.set(pod, f);
  }
  return f;
}

/** `test(pod)`, remembered for `question` (say, a selector's JSON) until another of its kind is asked; `f`: the pod's facts, when the caller has them */
export function matchesOnce(pod: Pod, kind: Question, question: string, test: (pod: Pod) => boolean, f: PodFacts = podFacts(pod)): boolean {
  const last = f.asked?.[kind];
  if (last?.question === question) return last.answer;
  const answer = test(pod);
  (f.asked ??= {})[kind] = { question, answer };
  return answer;
}

/** Ready for at least minReadySeconds, from the facts (Kubernetes: IsPodAvailable) */
export function availableFromFacts(f: PodFacts, minReadySeconds: number, now: number): boolean {
  return f.ready && (minReadySeconds <= 0 || readyLongEnough(f.readySince, minReadySeconds, now));
}
