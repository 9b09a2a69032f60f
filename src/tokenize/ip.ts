/**
 * IP address pseudonymization: truncation to a network prefix (IPv4 /24, IPv6 /48 by default,
 * the common analytics practice) or a keyed pseudonym address of the same family.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidInputError } from '../errors.js';
import { keyedDigest } from './keyed.js';
import { assertText } from './text.js';

/** Options of {@link truncateIp}. */
export interface TruncateIpOptions {
  /** IPv4 prefix kept, in bits (default 24). */
  readonly v4Bits?: number;
  /** IPv6 prefix kept, in bits (default 48). */
  readonly v6Bits?: number;
}

/** Parses an IPv4 or IPv6 address (no zone id) into 4 or 16 bytes. */
export function parseIp(address: string): Uint8Array {
  assertText(address, 'IP address');
  const a = address.trim();
  if (isIPv4(a)) return Uint8Array.from(a.split('.').map(Number));
  if (!a.includes('%') && isIPv6(a)) return parseIpv6(a);
  throw new InvalidInputError('not an IPv4 or IPv6 address (zone ids are not accepted)');
}

function parseIpv6(a: string): Uint8Array {
  let text = a;
  const out = new Uint8Array(16);
  const tail: number[] = [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two 16-bit groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const b = (v4[1] as string).split('.').map(Number);
    tail.push((((b[0] as number) << 8) | (b[1] as number)), (((b[2] as number) << 8) | (b[3] as number)));
    text = text.slice(0, text.length - (v4[1] as string).length) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = headGroups.concat(new Array<string>(8 - headGroups.length - restGroups.length).fill('0'), restGroups).map((g) => parseInt(g, 16));
  if (tail.length === 2) groups.splice(6, 2, tail[0] as number, tail[1] as number);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Formats 4 or 16 bytes as an address (IPv6 in RFC 5952 canonical form). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function checkBits(bits: number, max: number, name: string): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new InvalidInputError(`${name} must be an integer in 0..${max}`);
  return bits;
}

/** Zeroes everything after the network prefix: 203.0.113.77 → 203.0.113.0, 2001:db8:1:2::5 → 2001:db8:1::. Unkeyed by design (a generalization, not a hash). */
export function truncateIp(address: string, options: TruncateIpOptions = {}): string {
  const bytes = parseIp(address);
  const bits = bytes.length === 4 ? checkBits(options.v4Bits ?? 24, 32, 'v4Bits') : checkBits(options.v6Bits ?? 48, 128, 'v6Bits');
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    bytes[i] = (bytes[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return formatIp(bytes);
}

/**
 * A keyed pseudonym address of the same family: stable per key and domain, unlinkable
 * without the key, not reversible, and not prefix-preserving (two hosts of one network get
 * unrelated pseudonyms). May coincide with a real, routable address: never contact it.
 */
export function keyedIp(key: Uint8Array, address: string, domain = ''): string {
  const bytes = parseIp(address);
  const digest = keyedDigest(key, `ip${bytes.length === 4 ? 4 : 6}`, domain, formatIp(bytes));
  return formatIp(digest.subarray(0, bytes.length));
}
