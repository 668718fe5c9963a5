// Name and label syntax checks (k8s.io/apimachinery/pkg/util/validation), each returning
// Kubernetes' messages ([] when valid). DNS names and label syntax come from
// shared/src/meta (names.ts, labels.ts), here remembering the values they found valid (every
// write of an object checks the same label keys, values and names again); percentages, IANA
// port names and IP/CIDR syntax, which the kind validators also need, are here.

import * as labels from '../../meta/labels.ts';
import * as names from '../../meta/names.ts';

/**
 * `check`, a pure syntax check, remembering up to `limit` values it found valid (then it
 * starts over): a remembered value gets [] without running the check again. Every call gets
 * an array of its own.
 */
export function rememberingValid(check: (value: string) => string[], limit = 4096): (value: string) => string[] {
  const valid = new Set<string>();
  return (value) => {
    if (valid.has(value)) return [];
    const errs = check(value);
    if (errs.length === 0) {
      if (valid.size >= limit) valid.clear();
      valid.add(value);
    }
    return errs;
  };
}

export const isDNS1035Label = rememberingValid(names.isDNS1035Label);
export const isDNS1123Label = rememberingValid(names.isDNS1123Label);
export const isDNS1123Subdomain = rememberingValid(names.isDNS1123Subdomain);
export const isQualifiedName = rememberingValid(labels.isQualifiedName);
export const isValidLabelValue = rememberingValid(labels.isValidLabelValue);

const PERCENT = '[0-9]+%';
const rePercent = new RegExp(`^${PERCENT}$`);
const maxLen = (n: number): string => `must be no more than ${n} characters`;
const regexError = (what: string, re: string, ...examples: string[]): string =>
  `${what} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${re}')`;

export function isValidPercent(v: string): string[] {
  return rePercent.test(v)
    ? []
    : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT, '1%', '93%')];
}

/** an IANA service name as container and service port names use */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (v.includes('--')) errs.push("must not contain consecutive hyphens");
  if (v.length > 0 && !/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.startsWith('-') || v.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function isValidIP(v: string): boolean {
  return isIPv4(v) || isIPv6(v);
}

export function isIPv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(v: string): boolean {
  if (!v.includes(':') || !/^[0-9a-fA-F:.]+$/.test(v)) return false;
  const halves = v.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h ? h.split(':') : []));
  if (!groups.every((g, i) => /^[0-9a-fA-F]{1,4}$/.test(g) || (i === groups.length - 1 && isIPv4(g)))) return false;
  const count = groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

export function isValidCIDR(v: string): boolean {
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length || ip === undefined || bits === undefined || !/^[0-9]{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return (isIPv4(ip) && n <= 32) || (isIPv6(ip) && n <= 128);
}
