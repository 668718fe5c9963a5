import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1035Label,
  nameIsDNSSubdomain,
  nameIsDNSLabel,
  nameIsDNS1035Label,
  generateName,
  MAX_GENERATED_NAME_LENGTH,
} from './names.ts';
import { seededRandom } from '../random.ts';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

describe('isDNS1123Subdomain', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a dotted lowercase name is valid', 'web.example.com', []],
    ['a name starting with a digit is valid', '0abc', []],
    ['upper case is rejected with the regex message', 'Web', [SUBDOMAIN_MSG]],
    ['a trailing dash is rejected', 'web-', [SUBDOMAIN_MSG]],
    ['an empty name is rejected', '', [SUBDOMAIN_MSG]],
    ['254 characters are too many', 'a'.repeat(254), ['must be no more than 253 characters']],
    ['253 characters are fine', 'a'.repeat(253), []],
    ['a long name with an underscore gets both messages', `${'a'.repeat(253)}_`, ['must be no more than 253 characters', SUBDOMAIN_MSG]],
  ];
  it.each(cases)('%s', (_n, value, errs) => expect(isDNS1123Subdomain(value)).toEqual(errs));
});

describe('isDNS1123Label', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a dashed lowercase name is valid', 'kube-system', []],
    ['a dotted name is told it must not contain dots', 'a.b', ['must not contain dots']],
    ['an underscore gets the regex message', 'a_b', [LABEL_MSG]],
    ['64 characters are too many', 'a'.repeat(64), ['must be no more than 63 characters']],
    ['a multi-byte character counts its bytes', `${'a'.repeat(62)}é`, ['must be no more than 63 characters', LABEL_MSG]],
  ];
  it.each(cases)('%s', (_n, value, errs) => expect(isDNS1123Label(value)).toEqual(errs));
});

describe('isDNS1035Label', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a service name starting with a letter is valid', 'my-svc1', []],
    ['a leading digit is rejected for services', '1svc', [DNS1035_MSG]],
    ['dots are rejected with the regex message', 'a.b', [DNS1035_MSG]],
  ];
  it.each(cases)('%s', (_n, value, errs) => expect(isDNS1035Label(value)).toEqual(errs));
});

describe('ValidateNameFunc', () => {
  it('allows a trailing dash in a generateName prefix only', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toEqual([SUBDOMAIN_MSG]);
    expect(nameIsDNSLabel('ns-', true)).toEqual([]);
    expect(nameIsDNS1035Label('svc-', true)).toEqual([]);
    expect(nameIsDNS1035Label('-', true)).toEqual([DNS1035_MSG]);
  });
});

describe('generateName', () => {
  it('appends five characters of the random alphabet', () => {
    const name = generateName('web-', seededRandom(1));
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('is reproducible from a seed', () => {
    expect(generateName('web-', seededRandom(7))).toBe(generateName('web-', seededRandom(7)));
  });

  it('cuts a long prefix so the name fits in 63 characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 200 }), fc.integer(), (prefix, seed) => {
        const name = generateName(prefix, seededRandom(seed));
        expect(name.length).toBe(Math.min(prefix.length, MAX_GENERATED_NAME_LENGTH) + 5);
        expect(name.startsWith(prefix.slice(0, MAX_GENERATED_NAME_LENGTH))).toBe(true);
      }),
    );
    expect(generateName('x'.repeat(100), seededRandom(3)).length).toBe(63);
  });

  it('turns a valid generateName into a valid name', () => {
    const prefixArb = fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,70}$/);
    fc.assert(
      fc.property(prefixArb, fc.integer(), (prefix, seed) => {
        fc.pre(nameIsDNSLabel(prefix, true).length === 0);
        expect(isDNS1123Label(generateName(prefix, seededRandom(seed)))).toEqual([]);
      }),
    );
  });
});
