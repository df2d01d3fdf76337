import ipaddr from 'ipaddr.js';

/** An IPv4 CIDR block parsed with ipaddr.js. */
export interface Ipv4Block {
  address: ipaddr.IPv4;
  prefix: number;
  /** The block as written. */
  text: string;
}

/** Parses a strict four-part decimal IPv4 CIDR ("10.1.0.0/16"); undefined when it is not one. */
export function parseIpv4Cidr(text: string): Ipv4Block | undefined {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return undefined;
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  return { address, prefix, text };
}

/** The canonical form of a block: the network address with the host bits zeroed ("10.1.1.5/24" → "10.1.1.0/24"). */
export function canonicalCidr(block: Ipv4Block): string {
  return `${ipaddr.IPv4.networkAddressFromCIDR(`${block.address.toString()}/${block.prefix}`).toString()}/${block.prefix}`;
}

export function isCanonical(block: Ipv4Block): boolean {
  return canonicalCidr(block) === `${block.address.toString()}/${block.prefix}`;
}

/** Whether `inner` lies entirely inside `outer`. */
export function containsBlock(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.prefix >= outer.prefix && inner.address.match(outer.address, outer.prefix);
}

/** Whether two blocks share at least one address (for CIDR blocks: one contains the other). */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return containsBlock(a, b) || containsBlock(b, a);
}

/**
 * A block of the given prefix inside `outer` that overlaps none of `taken`, for fix texts: the first
 * free one after the highest taken block (10.1.3.0/24 after 10.1.2.0/24), else the first free one.
 * ipaddr.js has no iteration over a range, so this walks the 32-bit address space by hand.
 */
export function firstFreeBlock(outer: Ipv4Block, taken: readonly Ipv4Block[], prefix: number): string | undefined {
  if (prefix < outer.prefix || prefix > 32) return undefined;
  const start = toUint32(ipaddr.IPv4.networkAddressFromCIDR(canonicalCidr(outer)));
  const step = 2 ** (32 - prefix);
  const count = Math.min(2 ** (prefix - outer.prefix), 4096);
  const highestTaken = Math.max(start, ...taken.filter((block) => containsBlock(outer, block)).map((block) => toUint32(block.address)));
  let firstFree: string | undefined;
  for (let i = 0; i < count; i += 1) {
    const candidate = parseIpv4Cidr(`${fromUint32(start + i * step).toString()}/${prefix}`);
    if (!candidate || taken.some((block) => blocksOverlap(block, candidate))) continue;
    if (toUint32(candidate.address) > highestTaken) return candidate.text;
    firstFree ??= candidate.text;
  }
  return firstFree;
}

function toUint32(address: ipaddr.IPv4): number {
  return address.octets.reduce((value, octet) => value * 256 + octet, 0);
}

function fromUint32(value: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256));
}
