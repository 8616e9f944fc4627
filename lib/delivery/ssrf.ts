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
  { network: "192.168.0.0", prefix: 16, family: "ipv4", reason: "a private address" },
  { network: "198.18.0.0", prefix: 15, family: "ipv4", reason: "a benchmarking address" },
  { network: "198.51.100.0", prefix: 24, family: "ipv4", reason: "a documentation address" },
  { network: "203.0.113.0", prefix: 24, family: "ipv4", reason: "a documentation address" },
  { network: "224.0.0.0", prefix: 4, family: "ipv4", reason: "a multicast address" },
  { network: "240.0.0.0", prefix: 4, family: "ipv4", reason: "a reserved or broadcast address" },
  { network: "::", prefix: 128, family: "ipv6", reason: "an unspecified address" },
  { network: "::1", prefix: 128, family: "ipv6", reason: "a loopback address" },
  { network: "::", prefix: 96, family: "ipv6", reason: "a deprecated IPv4-compatible address" },
  { network: "100::", prefix: 64, family: "ipv6", reason: "a discard-only address" },
  { network: "2001:db8::", prefix: 32, family: "ipv6", reason: "a documentation address" },
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

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(?:0:)?(.+)$/i.exec(address);
  if (!match) return null;
  const rest = match[1];
  if (net.isIPv4(rest)) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
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
    const inner = embeddedIpv4(normalized);
    if (inner) return computeBlockedReason(inner);
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
 * Resolves the URL's host and checks every address. Throws OutboundRefusedError when one of them is
 * not public and neither the host nor that address is on the allowlist. The caller connects to the
 * returned address.
 */
export async function resolveOutboundTarget(url: URL, allowlist: Allowlist): Promise<ResolvedTarget> {
  const hostname = hostOf(url);
  const literal = net.isIP(hostname);
  const addresses = literal
    ? [{ address: hostname, family: literal }]
    : await dns.promises.lookup(hostname, { all: true, verbatim: true }).catch((error: NodeJS.ErrnoException) => {
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
