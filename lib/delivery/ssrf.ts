import dns from "node:dns";
import net from "node:net";

/**
 * The outbound guard: deliveries (and anything else that calls out on an Administrator's behalf)
 * may only reach public addresses. The host is resolved first, every address it resolves to is
 * checked, and the connection then goes to the checked address, so a DNS answer that changes
 * between the check and the connection (DNS rebinding) cannot redirect it.
 */

type Family = "ipv4" | "ipv6";
interface Range {
  network: string;
  prefix: number;
  family: Family;
  reason: string;
}

const RANGES: Range[] = [
  { network: "0.0.0.0", prefix: 8, family: "ipv4", reason: "an unspecified (\"this network\") address" },
  { network: "10.0.0.0", prefix: 8, family: "ipv4", reason: "a private address" },
  { network: "100.64.0.0", prefix: 10, family: "ipv4", reason: "a carrier-grade NAT (shared) address" },
  { network: "127.0.0.0", prefix: 8, family: "ipv4", reason: "a loopback address" },
  { network: "169.254.0.0", prefix: 16, family: "ipv4", reason: "a link-local address" },
  { network: "172.16.0.0", prefix: 12, family: "ipv4", reason: "a private address" },
  { network: "192.0.0.0", prefix: 24, family: "ipv4", reason: "an IETF protocol address" },
  { network: "192.0.2.0", prefix: 24, family: "ipv4", reason: "a documentation address" },
  { network: "192.88.99.0", prefix: 24, family: "ipv4", reason: "a deprecated 6to4 relay address" },
  { network: "192.168.0.0", prefix: 16, family: "ipv4", reason: "a private address" },
  { network: "198.18.0.0", prefix: 15, family: "ipv4", reason: "a benchmarking address" },
  { network: "198.51.100.0", prefix: 24, family: "ipv4", reason: "a documentation address" },
  { network: "203.0.113.0", prefix: 24, family: "ipv4", reason: "a documentation address" },
  { network: "224.0.0.0", prefix: 4, family: "ipv4", reason: "a multicast address" },
  { network: "240.0.0.0", prefix: 4, family: "ipv4", reason: "a reserved or broadcast address" },
  { network: "::", prefix: 128, family: "ipv6", reason: "an unspecified address" },
  { network: "::1", prefix: 128, family: "ipv6", reason: "a loopback address" },
  { network: "::", prefix: 96, family: "ipv6", reason: "a deprecated IPv4-compatible address" },
  { network: "64:ff9b:1::", prefix: 48, family: "ipv6", reason: "a local-use NAT64 address" },
  { network: "100::", prefix: 64, family: "ipv6", reason: "a discard-only address" },
  { network: "2001:2::", prefix: 48, family: "ipv6", reason: "a benchmarking address" },
  { network: "2001:10::", prefix: 28, family: "ipv6", reason: "an ORCHID address" },
  { network: "2001:20::", prefix: 28, family: "ipv6", reason: "an ORCHID address" },
  { network: "2001:db8::", prefix: 32, family: "ipv6", reason: "a documentation address" },
  { network: "3fff::", prefix: 20, family: "ipv6", reason: "a documentation address" },
  { network: "fc00::", prefix: 7, family: "ipv6", reason: "a private (unique local) address" },
  { network: "fe80::", prefix: 10, family: "ipv6", reason: "a link-local address" },
  { network: "ff00::", prefix: 8, family: "ipv6", reason: "a multicast address" },
];

const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

const compiled = RANGES.map((range) => {
  const list = new net.BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return { list, range };
});

/** The eight 16-bit groups of a valid IPv6 address (without zone or brackets). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const parse = (part: string | undefined) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  const after = parse(tail);
  return [...before, ...new Array(8 - before.length - after.length).fill(0), ...after];
}

const ipv4Of = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join(".");

/**
 * The IPv4 addresses an IPv6 address carries to, each with how it carries it: IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16, the
 * IPv4 address in groups 1-2) and Teredo (2001::/32: the server in groups 2-3, the client's address
 * inverted in groups 6-7). Traffic to such an address ends up at the IPv4 address, so it gets the
 * IPv4 rules. (IPv4-compatible ::/96 and local-use NAT64 64:ff9b:1::/48 are refused as ranges.)
 */
function embeddedIpv4(address: string): { ipv4: string; via: string | null }[] {
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return [{ ipv4: ipv4Of(g[6], g[7]), via: null }];
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return [{ ipv4: ipv4Of(g[6], g[7]), via: null }];
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return [{ ipv4: ipv4Of(g[6], g[7]), via: null }];
  if (g[0] === 0x2002) return [{ ipv4: ipv4Of(g[1], g[2]), via: "a 6to4 address whose IPv4 address" }];
  if (g[0] === 0x2001 && g[1] === 0) {
    return [
      { ipv4: ipv4Of(g[2], g[3]), via: "a Teredo address whose server" },
      { ipv4: ipv4Of(g[6] ^ 0xffff, g[7] ^ 0xffff), via: "a Teredo address whose client" },
    ];
  }
  return [];
}

/**
 * Answers are remembered per address (a net.BlockList check costs microseconds, and every delivery
 * asks): the ranges never change, so a remembered answer is always right. The memory is bounded.
 */
const MEMO_LIMIT = 4096;
function remember<V>(memo: Map<string, V>, key: string, compute: () => V): V {
  const known = memo.get(key);
  if (known !== undefined || memo.has(key)) return known as V;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const value = compute();
  memo.set(key, value);
  return value;
}

const blockedReasons = new Map<string, string | null>();

/** Why an address must not be reached, or null when it is a public address. */
export function blockedReason(address: string): string | null {
  return remember(blockedReasons, address, () => computeBlockedReason(address));
}

function computeBlockedReason(address: string): string | null {
  const normalized = address.toLowerCase().replace(/^\[|\]$/g, "").split("%")[0];
  if (METADATA_ADDRESSES.has(normalized)) return "a cloud metadata service address";
  const family = net.isIP(normalized);
  if (family === 0) return "not an IP address";
  if (family === 6) {
    for (const { ipv4, via } of embeddedIpv4(normalized)) {
      const reason = computeBlockedReason(ipv4);
      if (reason) return via ? `${via} is ${ipv4}, ${reason}` : reason;
    }
  }
  const type: Family = family === 4 ? "ipv4" : "ipv6";
  for (const { list, range } of compiled) {
    if (range.family === type && list.check(normalized, type)) return range.reason;
  }
  return null;
}

interface CompiledAllowlist {
  hosts: Set<string>;
  addresses: net.BlockList;
  /** allowsAddress answers by address */
  answers: Map<string, boolean>;
}

/** Every delivery builds an Allowlist from the same few entries: each distinct list is compiled once. */
const compiledAllowlists = new Map<string, CompiledAllowlist>();

function compileAllowlist(entries: readonly string[]): CompiledAllowlist {
  const compiledList: CompiledAllowlist = { hosts: new Set(), addresses: new net.BlockList(), answers: new Map() };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
    if (!entry) continue;
    const [network, prefixText] = entry.split("/");
    const family = net.isIP(network);
    if (family && prefixText !== undefined && /^\d+$/.test(prefixText)) {
      compiledList.addresses.addSubnet(network, Number(prefixText), family === 4 ? "ipv4" : "ipv6");
    } else if (family && prefixText === undefined) {
      compiledList.addresses.addAddress(network, family === 4 ? "ipv4" : "ipv6");
    } else {
      compiledList.hosts.add(entry);
    }
  }
  return compiledList;
}

/** Host names, IP addresses and CIDR ranges that may be reached although they are not public. */
export class Allowlist {
  private readonly compiled: CompiledAllowlist;

  constructor(entries: readonly string[]) {
    this.compiled = remember(compiledAllowlists, entries.join("\n"), () => compileAllowlist(entries));
  }

  allowsHost(hostname: string): boolean {
    return this.compiled.hosts.has(hostname.toLowerCase().replace(/\.$/, ""));
  }

  allowsAddress(address: string): boolean {
    const { addresses, answers } = this.compiled;
    return remember(answers, address, () => {
      const family = net.isIP(address);
      return family !== 0 && addresses.check(address, family === 4 ? "ipv4" : "ipv6");
    });
  }
}

export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Answers every address a host name resolves to. Tests pass their own to answer what they need. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export interface ResolvedTarget {
  hostname: string;
  address: string;
  family: 4 | 6;
}

/** The URL's host name without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

/** Refuses an IP-literal host in a blocked range at once (for input validation; names are checked when sending). */
export function literalAddressProblem(url: URL, allowlist: Allowlist): string | null {
  const host = hostOf(url);
  if (!net.isIP(host) || allowlist.allowsHost(host) || allowlist.allowsAddress(host)) return null;
  const reason = blockedReason(host);
  return reason ? `${host} is ${reason}: deliveries may only reach public addresses unless the host is on the outbound allowlist.` : null;
}

/**
 * Resolves the URL's host once and checks every address. Throws OutboundRefusedError when one of
 * them is not public and neither the host nor that address is on the allowlist. The caller connects
 * to the returned address and must not resolve the name again.
 */
export async function resolveOutboundTarget(url: URL, allowlist: Allowlist, resolve: HostResolver = systemResolver): Promise<ResolvedTarget> {
  const hostname = hostOf(url);
  const literal = net.isIP(hostname);
  const addresses = literal
    ? [{ address: hostname, family: literal }]
    : await resolve(hostname).catch((error: NodeJS.ErrnoException) => {
        throw Object.assign(new Error(`The host name ${hostname} could not be resolved (${error.code ?? error.message}).`), {
          code: error.code,
        });
      });
  if (addresses.length === 0) throw new Error(`The host name ${hostname} has no addresses.`);
  if (!allowlist.allowsHost(hostname)) {
    for (const { address } of addresses) {
      const reason = blockedReason(address);
      if (reason && !allowlist.allowsAddress(address)) {
        throw new OutboundRefusedError(
          `Refused to connect to ${hostname}${literal ? "" : ` (${address})`}: it is ${reason}. ` +
            "Deliveries may only reach public addresses; an Administrator can add the host to the outbound allowlist.",
        );
      }
    }
  }
  const chosen = addresses[0];
  return { hostname, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}
