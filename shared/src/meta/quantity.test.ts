import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseQuantity,
  tryParseQuantity,
  newQuantity,
  newMilliQuantity,
  Quantity,
  QUANTITY_FORMAT_MESSAGE,
  QUANTITY_SUFFIX_MESSAGE,
  type QuantityFormat,
} from './quantity.ts';

describe('parseQuantity', () => {
  const cases: Array<[string, string, bigint, QuantityFormat]> = [
    ['millicores keep their milli suffix', '500m', 500_000_000n, 'DecimalSI'],
    ['a decimal fraction becomes exact nano-units', '1.5', 1_500_000_000n, 'DecimalSI'],
    ['a binary suffix multiplies by a power of 1024', '128Mi', 128n * 1024n ** 2n * 1_000_000_000n, 'BinarySI'],
    ['a decimal SI suffix multiplies by a power of 1000', '1G', 1_000_000_000n * 1_000_000_000n, 'DecimalSI'],
    ['a decimal exponent is its own format', '1e3', 1000n * 1_000_000_000n, 'DecimalExponent'],
    ['an upper-case E followed by digits is an exponent, not exa', '1E3', 1000n * 1_000_000_000n, 'DecimalExponent'],
    ['a lone E is the exa suffix', '2E', 2n * 10n ** 18n * 1_000_000_000n, 'DecimalSI'],
    ['a negative exponent is allowed', '15e-1', 1_500_000_000n, 'DecimalExponent'],
    ['an explicit plus sign in the exponent is allowed', '1e+2', 100_000_000_000n, 'DecimalExponent'],
    ['nano is the smallest unit', '100n', 100n, 'DecimalSI'],
    ['micro is u', '3u', 3000n, 'DecimalSI'],
    ['kibibytes are 1024 bytes', '2Ki', 2048_000_000_000n, 'BinarySI'],
    ['a fractional binary value is exact', '0.5Gi', 512n * 1024n * 1024n * 1_000_000_000n, 'BinarySI'],
    ['a value below one nano rounds up to one nano', '0.1n', 1n, 'DecimalSI'],
    ['a tiny exponent rounds up to one nano', '1e-30', 1n, 'DecimalExponent'],
    ['a negative tiny value rounds away from zero', '-0.1n', -1n, 'DecimalSI'],
    ['a negative quantity keeps its sign', '-2.5k', -2_500_000_000_000n, 'DecimalSI'],
    ['a leading plus sign is accepted', '+7', 7_000_000_000n, 'DecimalSI'],
    ['zero is decimal', '0', 0n, 'DecimalSI'],
    ['a trailing dot is tolerated as Kubernetes does', '1.G', 1_000_000_000n * 1_000_000_000n, 'DecimalSI'],
    ['a binary value past int64 is capped at 2^63-1', '16Ei', ((1n << 63n) - 1n) * 1_000_000_000n, 'BinarySI'],
  ];
  it.each(cases)('%s (%s)', (_name, input, nanos, format) => {
    const q = parseQuantity(input);
    expect(q.nanos).toBe(nanos);
    expect(q.format).toBe(format);
  });

  it('reads a JSON number as its decimal text', () => {
    expect(parseQuantity(2).nanos).toBe(2_000_000_000n);
    expect(parseQuantity(0.25).toString()).toBe('250m');
  });

  const bad: Array<[string, string, string]> = [
    ['an empty string does not match the pattern', '', QUANTITY_FORMAT_MESSAGE],
    ['letters alone do not match the pattern', 'abc', QUANTITY_FORMAT_MESSAGE],
    ['whitespace is not trimmed', ' 1', QUANTITY_FORMAT_MESSAGE],
    ['a unit like KiB does not match the pattern', '1KiB', QUANTITY_FORMAT_MESSAGE],
    ['two dots do not match the pattern', '1.5.5', QUANTITY_FORMAT_MESSAGE],
    ['a fractional exponent does not match the pattern', '1e3.5', QUANTITY_FORMAT_MESSAGE],
    ['an unknown suffix made of suffix letters is a suffix error', '1mi', QUANTITY_SUFFIX_MESSAGE],
    ['a lone lower-case e is a suffix error', '1e', QUANTITY_SUFFIX_MESSAGE],
    ['a suffix followed by digits is a suffix error', '1k3', QUANTITY_SUFFIX_MESSAGE],
  ];
  it.each(bad)('%s (%j)', (_name, input, message) => {
    expect(() => parseQuantity(input)).toThrow(message);
    expect(tryParseQuantity(input)).toBeUndefined();
  });

  it('quotes the regular expression as Kubernetes does', () => {
    expect(QUANTITY_FORMAT_MESSAGE).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});

describe('Quantity.toString', () => {
  const cases: Array<[string, string, string]> = [
    ['a whole number of millis collapses to units', '1000m', '1'],
    ['a binary value divisible by 1024 moves to the next suffix', '1024Mi', '1Gi'],
    ['millis that are not whole units stay millis', '1500m', '1500m'],
    ['a decimal fraction prints in millis', '1.5', '1500m'],
    ['a decimal exponent keeps the exponent form in multiples of 3', '1e3', '1e3'],
    ['a decimal exponent not a multiple of 3 is lowered', '12e4', '120e3'],
    ['a decimal exponent equal to zero prints bare', '5e0', '5'],
    ['a binary value below 1024 prints as decimal', '0.5Ki', '512'],
    ['a binary value that is not a multiple of 1024 prints bare', '1.5Ki', '1536'],
    ['a fractional binary value prints as decimal to keep precision', '0.1Ki', '102400m'],
    ['a fractional binary value of gibibytes reduces to mebibytes', '0.5Gi', '512Mi'],
    ['zero prints as 0 whatever its suffix', '0Mi', '0'],
    ['negative zero prints as 0', '-0m', '0'],
    ['large decimals use the largest suffix that keeps digits whole', '1000000k', '1G'],
    ['a value past exa keeps the E suffix', '1e21', '1e21'],
    ['a decimal SI value past exa keeps the E suffix', '1000E', '1000E'],
    ['a negative binary value keeps its suffix', '-2Ki', '-2Ki'],
    ['nano values print in nanos', '100n', '100n'],
    ['a leading plus sign is dropped', '+1', '1'],
    ['leading zeros are dropped', '010', '10'],
  ];
  it.each(cases)('%s (%s → %s)', (_name, input, output) => {
    expect(parseQuantity(input).toString()).toBe(output);
    expect(JSON.stringify({ q: parseQuantity(input) })).toBe(JSON.stringify({ q: output }));
  });
});

describe('Quantity arithmetic', () => {
  it('adds without float drift', () => {
    let sum = parseQuantity('0');
    for (let i = 0; i < 10; i++) sum = sum.add(parseQuantity('0.1'));
    expect(sum.toString()).toBe('1');
  });

  it('keeps the left operand format when adding', () => {
    expect(parseQuantity('1Gi').add(parseQuantity('1Gi')).toString()).toBe('2Gi');
    expect(parseQuantity('1Mi').add(parseQuantity('1M')).format).toBe('BinarySI');
  });

  it('subtracts to a negative value', () => {
    expect(parseQuantity('500m').sub(parseQuantity('1')).toString()).toBe('-500m');
  });

  const rounding: Array<[string, string, number, number]> = [
    ['CPU millis of one core', '1', 1000, 1],
    ['millis of a fraction below a milli round up', '1u', 1, 1],
    ['bytes of a fractional value round up', '1500m', 1500, 2],
    ['bytes of a negative fraction round away from zero', '-1500m', -1500, -2],
    ['bytes of 128Mi', '128Mi', 134217728000, 134217728],
  ];
  it.each(rounding)('%s (%s)', (_name, input, milli, value) => {
    const q = parseQuantity(input);
    expect(q.milliValue()).toBe(milli);
    expect(q.value()).toBe(value);
  });

  it('builds quantities from units and millis', () => {
    expect(newQuantity(3, 'BinarySI').toString()).toBe('3');
    expect(newQuantity(4096, 'BinarySI').toString()).toBe('4Ki');
    expect(newMilliQuantity(250).toString()).toBe('250m');
    expect(newMilliQuantity(250).scaledValue(-3)).toBe(250n);
  });

  it('compares quantities across formats by value', () => {
    expect(parseQuantity('1Ki').cmp(parseQuantity('1k'))).toBe(1);
    expect(parseQuantity('1000m').cmp(parseQuantity('1'))).toBe(0);
    expect(parseQuantity('999m').cmp(parseQuantity('1'))).toBe(-1);
    expect(parseQuantity('1e3').equals(parseQuantity('1k'))).toBe(true);
  });
});

const formatArb = fc.constantFrom<QuantityFormat>('DecimalSI', 'BinarySI', 'DecimalExponent');
const nanosArb = fc.oneof(
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
  fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }).map((n) => n * 1_000_000_000n),
  fc.tuple(fc.bigInt({ min: -1000n, max: 1000n }), fc.integer({ min: 0, max: 6 })).map(([n, e]) => n * 1024n ** BigInt(e) * 1_000_000_000n),
);
// binary values are capped at 2^63-1 units when parsed (as in Kubernetes), so stay below it
const MAX_BINARY_NANOS = ((1n << 63n) - 1n) * 1_000_000_000n;
const quantityArb = fc
  .tuple(nanosArb, formatArb)
  .filter(([n, f]) => f !== 'BinarySI' || (n <= MAX_BINARY_NANOS && -n <= MAX_BINARY_NANOS))
  .map(([n, f]) => Quantity.fromNanos(n, f));
const textArb = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,10}$/), { nil: undefined }),
    fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'e-5', 'E12', 'e+2'),
  )
  .map(([s, w, f, suf]) => `${s}${w}${f === undefined ? '' : `.${f}`}${suf}`);

describe('Quantity properties', () => {
  it('parsing the canonical form gives back the same value', () => {
    fc.assert(fc.property(quantityArb, (q) => parseQuantity(q.toString()).nanos === q.nanos));
  });

  it('the canonical form of a parsed string is stable', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const once = parseQuantity(text).toString();
        return parseQuantity(once).toString() === once;
      }),
    );
  });

  it('addition is commutative and associative', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, quantityArb, (a, b, c) => {
        expect(a.add(b).cmp(b.add(a))).toBe(0);
        expect(a.add(b).add(c).cmp(a.add(b.add(c)))).toBe(0);
        expect(a.add(b).sub(b).cmp(a)).toBe(0);
      }),
    );
  });

  it('compare agrees with the values written in the text', () => {
    const simple = fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(['m', 1], ['', 1000], ['k', 1_000_000]) as fc.Arbitrary<[string, number]>);
    fc.assert(
      fc.property(simple, simple, ([a, sa], [b, sb]) => {
        const qa = parseQuantity(`${a}${sa[0]}`);
        const qb = parseQuantity(`${b}${sb[0]}`);
        const va = BigInt(a) * BigInt(sa[1]);
        const vb = BigInt(b) * BigInt(sb[1]);
        expect(qa.cmp(qb)).toBe(va < vb ? -1 : va > vb ? 1 : 0);
        expect(qa.cmp(qb)).toBe(-qb.cmp(qa) || 0);
      }),
    );
  });
});
