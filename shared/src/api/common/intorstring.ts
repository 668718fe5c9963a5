// IntOrString: a JSON number or string (`targetPort: 8080` or `targetPort: http`,
// `maxSurge: 1` or `maxSurge: 25%`). `scaledValueFromIntOrPercent` resolves a percentage
// against a total as Kubernetes' intstr package does (rounding up or down on request).

import { z } from 'zod';

export const IntOrStringSchema = z.union([z.number().int(), z.string()]);
export type IntOrString = z.infer<typeof IntOrStringSchema>;

/** `'25%'` of 10 → 3 when rounding up, 2 when down; a plain number is returned as is */
export function scaledValueFromIntOrPercent(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}
