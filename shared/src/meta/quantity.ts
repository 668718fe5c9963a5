// Resource quantities (`500m`, `128Mi`, `1e3`), as k8s.io/apimachinery/pkg/api/resource.
// `parseQuantity('1.5Gi')` gives an immutable Quantity: an exact bigint count of nano-units plus
// the input's format family (BinarySI, DecimalSI, DecimalExponent), which `toString()` keeps in
// Kubernetes' canonical form (`1024Mi` → `1Gi`, `1000m` → `1`, `1.5` → `1500m`). As Kubernetes,
// parsing rounds up to 1n and caps binary values at 2^63-1. Simplified: exponents beyond ±1024
// are refused; the input string is never echoed back (Kubernetes sometimes keeps e.g. `+1`).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** The pattern Kubernetes quotes when a quantity does not scan (its `splitREString`). */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_MESSAGE = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;
export const QUANTITY_SUFFIX_MESSAGE = "unable to parse quantity's suffix";
export const QUANTITY_NUMERIC_MESSAGE = 'unable to parse numeric part of quantity';

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const NANOS_PER_UNIT = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_BINARY_NANOS = MAX_INT64 * NANOS_PER_UNIT;
const MAX_DECIMAL_EXPONENT = 1024;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));
const SUFFIX_CHARS = 'eEinumkKMGTP';

const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** `n / d` rounded away from zero, as Kubernetes rounds (RoundUp on the magnitude). */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

export class Quantity {
  /** the exact value in units of 10^-9 */
  readonly nanos: bigint;
  readonly format: QuantityFormat;

  private constructor(nanos: bigint, format: QuantityFormat) {
    this.nanos = nanos;
    this.format = format;
    Object.freeze(this);
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other` */
  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  /** the sum, in this quantity's format (as Kubernetes' Add keeps the receiver's format) */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** thousandths of a unit, rounded away from zero: CPU in millicores (`MilliValue`) */
  milliValue(): number {
    return Number(divAwayFromZero(this.nanos, 1_000_000n));
  }

  /** whole units, rounded away from zero: memory in bytes (`Value`) */
  value(): number {
    return Number(divAwayFromZero(this.nanos, NANOS_PER_UNIT));
  }

  /** `ceil(q / 10^scale)` away from zero, exact (`ScaledValue`); scale -3 = milli, 0 = units */
  scaledValue(scale: number): bigint {
    const shift = scale + 9;
    return shift >= 0 ? divAwayFromZero(this.nanos, pow10(shift)) : this.nanos * pow10(-shift);
  }

  asApproximateFloat64(): number {
    return Number(this.nanos) / 1e9;
  }

  /** Kubernetes' canonical form: `1500m`, `1Gi`, `1e3`, `0` */
  toString(): string {
    if (this.nanos === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      // small or fractional binary values print as decimal, so nothing is rounded
      if (abs(this.nanos) < 1024n * NANOS_PER_UNIT || this.nanos % NANOS_PER_UNIT !== 0n) format = 'DecimalSI';
      else return formatBinary(this.nanos / NANOS_PER_UNIT);
    }
    return formatDecimal(this.nanos, format);
  }

  toJSON(): string {
    return this.toString();
  }
}

function formatBinary(units: bigint): string {
  let mantissa = units;
  let exponent = 0;
  while (exponent < 60 && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    exponent += 10;
  }
  return `${mantissa}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
}

function formatDecimal(nanos: bigint, format: QuantityFormat): string {
  // move factors of ten into the exponent, then lower it to a multiple of 3
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const extra = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(extra);
  exponent -= extra;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  if (exponent > 18) {
    // past `E` there is no SI suffix; keep the digits at E
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

interface Scanned {
  negative: boolean;
  whole: string;
  fraction: string;
  suffix: string;
}

/** Splits `[+-]digits[.digits]suffix`, where a suffix is letters of SUFFIX_CHARS, then an optional sign and digits. */
function scan(str: string): Scanned {
  let pos = 0;
  let negative = false;
  if (str[0] === '-' || str[0] === '+') {
    negative = str[0] === '-';
    pos++;
  }
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let start = pos;
  while (isDigit(str[pos])) pos++;
  const whole = str.slice(start, pos);
  let fraction = '';
  if (str[pos] === '.') {
    start = ++pos;
    while (isDigit(str[pos])) pos++;
    fraction = str.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (isDigit(str[pos])) pos++;
  if (pos !== str.length) throw new QuantityParseError(QUANTITY_FORMAT_MESSAGE);
  return { negative, whole, fraction, suffix: str.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) throw new QuantityParseError(QUANTITY_NUMERIC_MESSAGE);
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityParseError(QUANTITY_SUFFIX_MESSAGE);
}

/** Parses a quantity; a JSON number is read as its decimal text. Throws QuantityParseError. */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? String(input) : input;
  if (str.length === 0) throw new QuantityParseError(QUANTITY_FORMAT_MESSAGE);
  const { negative, whole, fraction, suffix } = scan(str);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let digits = BigInt((whole || '0') + fraction);
  let scale = -fraction.length; // value = digits * 10^scale
  if (base === 2) digits <<= BigInt(exponent);
  else scale += exponent;
  const shift = scale + 9;
  let nanos: bigint;
  if (shift >= 0) nanos = digits * pow10(shift);
  else if (-shift > digits.toString().length) nanos = digits === 0n ? 0n : 1n; // far below 1n: round up to 1n
  else nanos = divAwayFromZero(digits, pow10(-shift));
  let format = parsedFormat;
  if (format === 'BinarySI') {
    if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    // Kubernetes' slow path (fractions) turns a binary zero into decimal
    if (nanos === 0n && fraction.length > 0) format = 'DecimalSI';
  }
  return Quantity.fromNanos(negative ? -nanos : nanos, format);
}

/** parseQuantity without throwing: undefined when invalid */
export function tryParseQuantity(input: string | number): Quantity | undefined {
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/** `resource.NewQuantity(value, format)`: an integral number of units */
export function newQuantity(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return Quantity.fromNanos(BigInt(value) * NANOS_PER_UNIT, format);
}

/** `resource.NewMilliQuantity(milli, format)`: e.g. CPU from millicores */
export function newMilliQuantity(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return Quantity.fromNanos(BigInt(milli) * 1_000_000n, format);
}
