// Databricks' xxhash64(a, b, ...), bit for bit: XXH64 over each value in turn, the hash so far as the
// next value's seed, starting from 42; a NULL leaves the hash as it is. Values are hashed as Spark
// lays them out: BOOLEAN and 8/16/32-bit integers and DATE (days) as 4 little-endian bytes, BIGINT
// and TIMESTAMP (microseconds) as 8, DOUBLE and FLOAT by their bits (-0.0 as 0.0), strings as UTF-8,
// a DECIMAL of up to 18 digits by its unscaled value as 8 bytes and a wider one by the unscaled
// value's two's-complement bytes, big-endian and minimal (Java's BigInteger.toByteArray).
// Retention's checksums are sums of this hash: the embedded warehouse computes them as a workspace does.

const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;
export const SPARK_SEED = 42n;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
const mul = (a: bigint, b: bigint) => (a * b) & M;
const round = (acc: bigint, lane: bigint) => mul(rotl((acc + mul(lane, P2)) & M, 31n), P1);
const merge = (acc: bigint, v: bigint) => (mul(acc ^ round(0n, v), P1) + P4) & M;

/** XXH64 of the bytes with the seed, as an unsigned 64-bit value. */
export function xxh64(bytes: Uint8Array, seed: bigint): bigint {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  let i = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M;
    let v2 = (seed + P2) & M;
    let v3 = seed & M;
    let v4 = (seed - P1) & M;
    for (; i + 32 <= len; i += 32) {
      v1 = round(v1, dv.getBigUint64(i, true));
      v2 = round(v2, dv.getBigUint64(i + 8, true));
      v3 = round(v3, dv.getBigUint64(i + 16, true));
      v4 = round(v4, dv.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = (seed + P5) & M;
  }
  h = (h + BigInt(len)) & M;
  for (; i + 8 <= len; i += 8) h = (mul(rotl(h ^ round(0n, dv.getBigUint64(i, true)), 27n), P1) + P4) & M;
  if (i + 4 <= len) {
    h = (mul(rotl(h ^ mul(BigInt(dv.getUint32(i, true)), P1), 23n), P2) + P3) & M;
    i += 4;
  }
  for (; i < len; i++) h = mul(rotl(h ^ mul(BigInt(bytes[i]!), P5), 11n), P1);
  h = mul(h ^ (h >> 33n), P2);
  h = mul(h ^ (h >> 29n), P3);
  return h ^ (h >> 32n);
}

/** How a value is laid out for hashing. */
export type HashedAs = 'int' | 'long' | 'double' | 'float' | 'string' | 'decimal';

/** One value in Spark's layout; `decimalDigits` is a DECIMAL's precision. */
export function hashBytes(as: HashedAs, value: unknown, decimalDigits = 0): Uint8Array {
  if (as === 'string') return new TextEncoder().encode(String(value));
  if (as === 'decimal') return decimalDigits <= 18 ? hashBytes('long', value) : twosComplement(BigInt(value as bigint));
  const bytes = new Uint8Array(as === 'int' || as === 'float' ? 4 : 8);
  const dv = new DataView(bytes.buffer);
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (as === 'int') dv.setInt32(0, Number(n), true);
  else if (as === 'long') dv.setBigInt64(0, BigInt(n as number | bigint), true);
  // Spark hashes -0.0 as 0.0; NaN's canonical bits are the same in Java and here.
  else if (as === 'double') dv.setFloat64(0, Number(n) === 0 ? 0 : Number(n), true);
  else dv.setFloat32(0, Number(n) === 0 ? 0 : Number(n), true);
  return bytes;
}

/** A BigInteger's toByteArray: the fewest big-endian two's-complement bytes that hold it. */
function twosComplement(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(x & 0xffn);
    out.unshift(byte);
    x >>= 8n;
    if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

/** The signed 64-bit hash of the values, NULLs skipped, as Databricks returns it. */
export function sparkXxhash64(values: ReadonlyArray<{ as: HashedAs; value: unknown; digits?: number } | null>): bigint {
  let h = SPARK_SEED;
  for (const v of values) if (v !== null && v.value !== null) h = xxh64(hashBytes(v.as, v.value, v.digits), h);
  return h >= 1n << 63n ? h - (1n << 64n) : h;
}
