const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An address as people read it: an IPv4-mapped IPv6 address (`::ffff:203.0.113.7`) as its IPv4 address. */
export function plainIpAddress(address: string): string {
  return IPV4_MAPPED.exec(address.trim())?.[1] ?? address;
}
