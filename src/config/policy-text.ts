// What JSON.parse lets through in a policy file and a careful reader must not: bytes that are not
// UTF-8, a byte-order mark, a key given twice (JSON.parse keeps the last one without a word), keys
// that name an object's prototype, and numbers no setting could mean (1e400 parses as Infinity).

import { jsonPath } from './policy-errors.js';

/** Keys that reach an object's prototype when a parsed object is copied or merged. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** No threshold, window or count of a policy is anywhere near this large. */
export const SANE_NUMBER = 1e12;

/** Policy files are a few kilobytes; a larger one is not a policy. */
export const MAX_POLICY_BYTES = 1_000_000;

/** Deeper than any section of the schema goes. */
const MAX_DEPTH = 32;

/** Ends the scan of a file nested too deep to be read further. */
const STOP = Symbol('stop');

/** Problems found beyond this many are counted, not described. */
const MAX_PROBLEMS = 200;

/** The problems of the bytes themselves; the text when there are none. */
export function decodePolicyBytes(bytes: Uint8Array): { text: string } | { problem: string } {
  if (bytes.length > MAX_POLICY_BYTES)
    return {
      problem: `${jsonPath([])}: the file is ${bytes.length} bytes, more than a policy file's ${MAX_POLICY_BYTES}; check the path`,
    };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return {
      problem: `${jsonPath([])}: the file starts with a byte-order mark (EF BB BF); save it as UTF-8 without a BOM`,
    };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { problem: `${jsonPath([])}: the file is UTF-16; save it as UTF-8 without a BOM` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const { line, column } = lineColumn(bytes, at);
    return {
      problem: `${jsonPath([])}: byte ${at} (line ${line}, column ${column}) is not valid UTF-8; save the file as UTF-8`,
    };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // The longest valid prefix, found by halving: decoding is all or nothing.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function lineColumn(bytes: Uint8Array, at: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < at; i++)
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  return { line, column: at - start + 1 };
}

/**
 * Every duplicate key, forbidden key and insane number of a text JSON.parse accepted, each a line
 * naming its JSON path and where it is in the file.
 */
export function scanPolicyJson(text: string): { problems: string[]; tooDeep: boolean } {
  const found: string[] = [];
  let more = 0;
  let tooDeep = false;
  const problems = {
    push(line: string) {
      if (found.length < MAX_PROBLEMS) found.push(line);
      else more++;
    },
    get full() {
      return found.length >= MAX_PROBLEMS;
    },
  };
  let i = 0;
  const where = (at: number) => {
    if (problems.full) return '';
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return `line ${line}, column ${at - before.lastIndexOf('\n')}`;
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: PropertyKey[]): void => {
    space();
    const c = text[i];
    if ((c === '{' || c === '[') && path.length >= MAX_DEPTH) {
      tooDeep = true;
      problems.push(`${jsonPath(path)}: nested more than ${MAX_DEPTH} levels deep (${where(i)}); no setting is`);
      throw STOP;
    }
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      for (;;) {
        space();
        if (text[i] === '}') break;
        const at = i;
        const key = string();
        const keyPath = [...path, key];
        if (seen.has(key))
          problems.push(`${jsonPath(keyPath)}: the key is given twice (again at ${where(at)}); keep one of them`);
        if (FORBIDDEN_KEYS.has(key))
          problems.push(`${jsonPath(keyPath)}: '${key}' is not allowed as a key (${where(at)}); rename or remove it`);
        seen.add(key);
        space();
        i++; // the colon
        value(keyPath);
        space();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (c === '[') {
      i++;
      for (let k = 0; ; k++) {
        space();
        if (text[i] === ']') break;
        value([...path, k]);
        space();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (c === '"') string();
    else {
      const start = i;
      while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++;
      const literal = text.slice(start, i);
      const n = Number(literal);
      if (/^-?\d/.test(literal) && !(Math.abs(n) <= SANE_NUMBER))
        problems.push(
          `${jsonPath(path)}: ${literal} is beyond any sane setting (at most ${SANE_NUMBER} either way; ${where(start)}); check for a typo`,
        );
    }
  };
  try {
    value([]);
  } catch (e) {
    if (e !== STOP) throw e;
  }
  if (more) found.push(`... and ${more} more of these`);
  return { problems: found, tooDeep };
}
