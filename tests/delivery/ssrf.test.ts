import { describe, expect, it } from "vitest";
import { Allowlist, blockedReason, literalAddressProblem, OutboundRefusedError, resolveOutboundTarget, type HostResolver } from "@/lib/delivery/ssrf";
import { parseDuration } from "@/lib/delivery/duration";

describe("the outbound address guard", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.255.0.9", "a loopback address"],
    ["10.1.2.3", "a private address"],
    ["172.31.255.255", "a private address"],
    ["192.168.1.1", "a private address"],
    ["100.64.0.1", "a carrier-grade NAT (shared) address"],
    ["169.254.10.10", "a link-local address"],
    ["169.254.169.254", "a cloud metadata service address"],
    ["fd00:ec2::254", "a cloud metadata service address"],
    ["0.0.0.0", 'an unspecified ("this network") address'],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "a reserved or broadcast address"],
    ["::", "an unspecified address"],
    ["::1", "a loopback address"],
    ["fc00::1", "a private (unique local) address"],
    ["fe80::1%eth0", "a link-local address"],
    ["ff02::1", "a multicast address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["::ffff:7f00:1", "a loopback address"],
    ["::ffff:169.254.169.254", "a cloud metadata service address"],
    ["64:ff9b::10.0.0.1", "a private address"],
    ["64:ff9b::7f00:1", "a loopback address"],
    ["64:ff9b::a9fe:a9fe", "a cloud metadata service address"],
    ["::ffff:0:10.0.0.1", "a private address"],
    ["::7f00:1", "a deprecated IPv4-compatible address"],
    ["::8.8.8.8", "a deprecated IPv4-compatible address"],
    ["64:ff9b:1::808:808", "a local-use NAT64 address"],
    ["64:ff9b:1:ffff::1", "a local-use NAT64 address"],
    ["2002:7f00:1::", "a 6to4 address whose IPv4 address is 127.0.0.1, a loopback address"],
    ["2002:a00:1::1", "a 6to4 address whose IPv4 address is 10.0.0.1, a private address"],
    ["2002:a9fe:a9fe:1:2:3:4:5", "a 6to4 address whose IPv4 address is 169.254.169.254, a cloud metadata service address"],
    ["2002:c0a8:101::", "a 6to4 address whose IPv4 address is 192.168.1.1, a private address"],
    ["2001:0:a00:1::808:808", "a Teredo address whose server is 10.0.0.1, a private address"],
    ["2001:0:808:808::80ff:fffe", "a Teredo address whose client is 127.0.0.1, a loopback address"],
    ["2001:0:808:808:8000:f227:f5ff:fefe", "a Teredo address whose client is 10.0.1.1, a private address"],
    ["2001:2::1", "a benchmarking address"],
    ["3fff::1", "a documentation address"],
    ["192.88.99.1", "a deprecated 6to4 relay address"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "172.32.0.1", "100.128.0.1",
    "64:ff9b::808:808", "::ffff:0:8.8.8.8", "2002:808:808::1", "2001:0:808:808::f7f7:f7f7", "64:ff9b:2::1", "2003::1", "2001:1::1"])("allows the public address %s", (address) => {
    expect(blockedReason(address)).toBeNull();
  });

  it.each([
    ["192.0.0.0", "an IETF protocol address"],
    ["192.0.0.255", "an IETF protocol address"],
    ["192.0.2.1", "a documentation address"],
    ["198.51.100.255", "a documentation address"],
    ["203.0.113.0", "a documentation address"],
    ["198.18.0.0", "a benchmarking address"],
    ["198.19.255.255", "a benchmarking address"],
    ["172.16.0.0", "a private address"],
    ["100.127.255.255", "a carrier-grade NAT (shared) address"],
    ["239.255.255.255", "a multicast address"],
    ["100.100.100.200", "a cloud metadata service address"],
    ["100::1", "a discard-only address"],
    ["2001:10::1", "an ORCHID address"],
    ["2001:2f::1", "an ORCHID address"],
    ["2001:db8:ffff::1", "a documentation address"],
    ["3fff:fff::1", "a documentation address"],
    ["fdff::1", "a private (unique local) address"],
    ["febf::1", "a link-local address"],
    ["ff00::", "a multicast address"],
    ["::2", "a deprecated IPv4-compatible address"],
    ["::ffff:0.0.0.0", 'an unspecified ("this network") address'],
  ])("refuses %s at the edge of its range (%s)", (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  it.each(["192.0.1.0", "198.20.0.0", "172.15.255.255", "100.63.255.255", "169.253.255.255", "169.255.0.0", "223.255.255.255",
    "9.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.0", "100:0:0:1::", "2001:db9::1", "4000::1", "fbff:ffff::1", "fe00::1",
    "fec0::1", "feff::1", "64:ff9b:0:ffff::1"])("allows %s, just outside a refused range", (address) => {
    expect(blockedReason(address)).toBeNull();
  });

  it("reads an IPv4 address out of IPv4-translated and NAT64 addresses only with their exact prefix", () => {
    // ::ffff:0:a00:1 carries 10.0.0.1; with group 5 not 0 it is no translated address.
    expect(blockedReason("::ffff:0:a00:1")).toBe("a private address");
    expect(blockedReason("::ffff:1:a00:1")).toBeNull();
    // 64:ff9b::/96 carries 10.0.0.1; 64:1::, 1:ff9b:: and 64:ff9b:0:0:0:1:: are no NAT64 prefix.
    expect(blockedReason("64:ff9b::a00:1")).toBe("a private address");
    expect(blockedReason("64:1::a00:1")).toBeNull();
    expect(blockedReason("1:ff9b::a00:1")).toBeNull();
    expect(blockedReason("64:ff9b:0:0:0:1:a00:1")).toBeNull();
  });

  it("reads IPv4 addresses as IPv4 even when their bits would spell a 6to4 or Teredo prefix", () => {
    // 32.2.10.0 is 0x2002 0x0a00 and 32.1.0.1 is 0x2001 0x0001 as IPv6 groups: public IPv4 addresses.
    expect(blockedReason("32.2.10.0")).toBeNull();
    expect(blockedReason("32.1.0.1")).toBeNull();
  });

  it("reads addresses in any case, in brackets and with a zone; anything else is not an IP address", () => {
    expect(blockedReason("FE80::1")).toBe("a link-local address");
    expect(blockedReason("FD00:EC2::254")).toBe("a cloud metadata service address");
    expect(blockedReason("[::1]")).toBe("a loopback address");
    expect(blockedReason("[FE80::1%eth0]")).toBe("a link-local address");
    expect(blockedReason("example.com")).toBe("not an IP address");
    expect(blockedReason("")).toBe("not an IP address");
  });

  it("reads allowlist entries in any case, with brackets, a trailing dot, spaces, IPv6 ranges; a malformed range is a host name", () => {
    const allowlist = new Allowlist([" FD00::/8 ", "", "10.0.0.0/abc", "Hooks.Example.", "[::2]"]);
    expect(allowlist.allowsAddress("fd12::1")).toBe(true);
    expect(allowlist.allowsAddress("fe80::1")).toBe(false);
    expect(allowlist.allowsAddress("::2")).toBe(true);
    expect(allowlist.allowsAddress("::3")).toBe(false);
    expect(allowlist.allowsAddress("10.0.0.1")).toBe(false);
    expect(allowlist.allowsHost("10.0.0.0/abc")).toBe(true);
    expect(allowlist.allowsHost("HOOKS.example.")).toBe(true);
    expect(allowlist.allowsHost("hooks.example")).toBe(true);
    expect(allowlist.allowsHost("")).toBe(false);
    expect(allowlist.allowsAddress("hooks.example")).toBe(false);
    expect(new Allowlist(["192.168.0.0/16"]).allowsAddress("192.168.255.255")).toBe(true);
    expect(new Allowlist(["192.168.0.0/16"]).allowsAddress("192.169.0.0")).toBe(false);
  });

  it("keeps two allowlists apart whose entries run together", () => {
    expect(new Allowlist(["a.example", "b.example"]).allowsHost("a.example")).toBe(true);
    expect(new Allowlist(["a.exampleb.example"]).allowsHost("a.example")).toBe(false);
  });

  it("words the refusal of an address typed as the URL's host, and says nothing of a public one", () => {
    const none = new Allowlist([]);
    expect(literalAddressProblem(new URL("http://10.1.2.3/"), none)).toBe(
      "10.1.2.3 is a private address: deliveries may only reach public addresses unless the host is on the outbound allowlist.",
    );
    expect(literalAddressProblem(new URL("http://[fe80::1]/"), none)).toBe(
      "fe80::1 is a link-local address: deliveries may only reach public addresses unless the host is on the outbound allowlist.",
    );
    expect(literalAddressProblem(new URL("http://8.8.8.8/"), none)).toBeNull();
    expect(literalAddressProblem(new URL("http://[2606:4700:4700::1111]/"), none)).toBeNull();
    expect(literalAddressProblem(new URL("http://10.1.2.3/"), new Allowlist(["10.1.2.3"]))).toBeNull();
    expect(literalAddressProblem(new URL("http://10.1.2.3/"), new Allowlist(["10.0.0.0/8"]))).toBeNull();
    expect(literalAddressProblem(new URL("http://10.1.2.3/"), new Allowlist(["10.1.2.4"]))).toBe(
      "10.1.2.3 is a private address: deliveries may only reach public addresses unless the host is on the outbound allowlist.",
    );
  });

  it("refuses an address typed as the URL's host without asking the resolver, naming it once", async () => {
    const asked: string[] = [];
    const resolver: HostResolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: "8.8.8.8", family: 4 }];
    };
    const error = await resolveOutboundTarget(new URL("http://10.0.0.1:8080/"), new Allowlist([]), resolver).catch((e) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect(error.name).toBe("OutboundRefusedError");
    expect(error.message).toBe(
      "Refused to connect to 10.0.0.1: it is a private address. " +
        "Deliveries may only reach public addresses; an Administrator can add the host to the outbound allowlist.",
    );
    expect(await resolveOutboundTarget(new URL("http://[2606:4700:4700::1111]/"), new Allowlist([]), resolver)).toEqual({
      hostname: "2606:4700:4700::1111",
      address: "2606:4700:4700::1111",
      family: 6,
    });
    expect(asked).toEqual([]);
  });

  it("matches host names exactly and addresses by IP or CIDR in the allowlist", () => {
    const allowlist = new Allowlist(["Hooks.Internal.", "10.0.0.0/8", "::1", "127.0.0.1"]);
    expect(allowlist.allowsHost("hooks.internal")).toBe(true);
    expect(allowlist.allowsHost("other.internal")).toBe(false);
    expect(allowlist.allowsAddress("10.20.30.40")).toBe(true);
    expect(allowlist.allowsAddress("11.0.0.1")).toBe(false);
    expect(allowlist.allowsAddress("::1")).toBe(true);
    expect(literalAddressProblem(new URL("http://127.0.0.1:8080/x"), allowlist)).toBeNull();
    expect(literalAddressProblem(new URL("http://169.254.169.254/"), allowlist)).toMatch(/cloud metadata/);
    expect(literalAddressProblem(new URL("http://[::ffff:a9fe:a9fe]/"), new Allowlist([]))).toMatch(/cloud metadata/);
    expect(literalAddressProblem(new URL("https://example.com/"), new Allowlist([]))).toBeNull();
  });

  it("checks names after resolving them: localhost is refused unless its name or address is allowlisted", async () => {
    const error = await resolveOutboundTarget(new URL("http://localhost:1/"), new Allowlist([])).catch((e) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect(error.message).toMatch(/Refused to connect to localhost \((127\.0\.0\.1|::1)\): it is a loopback address/);
    const byName = await resolveOutboundTarget(new URL("http://localhost:1/"), new Allowlist(["localhost"]));
    expect(["127.0.0.1", "::1"]).toContain(byName.address);
    const byAddress = await resolveOutboundTarget(new URL("http://127.0.0.1:1/"), new Allowlist(["127.0.0.0/8"]));
    expect(byAddress).toEqual({ hostname: "127.0.0.1", address: "127.0.0.1", family: 4 });
  });

  describe("checks every address a name resolves to", () => {
    const answering =
      (...addresses: string[]): HostResolver =>
      async () =>
        addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    const url = new URL("https://receiver.example/hook");

    it.each([
      [["8.8.8.8", "10.0.0.1"], "10.0.0.1", "a private address"],
      [["10.0.0.1", "8.8.8.8"], "10.0.0.1", "a private address"],
      [["8.8.8.8", "1.1.1.1", "169.254.169.254"], "169.254.169.254", "a cloud metadata service address"],
      [["2606:4700:4700::1111", "::ffff:127.0.0.1"], "::ffff:127.0.0.1", "a loopback address"],
      [["8.8.8.8", "2002:a00:1::"], "2002:a00:1::", "a 6to4 address whose IPv4 address is 10.0.0.1, a private address"],
    ])("refuses %j: one private address among public ones is enough", async (addresses, refused, reason) => {
      const error = await resolveOutboundTarget(url, new Allowlist([]), answering(...addresses)).catch((e) => e);
      expect(error).toBeInstanceOf(OutboundRefusedError);
      expect(error.message).toBe(
        `Refused to connect to receiver.example (${refused}): it is ${reason}. ` +
          "Deliveries may only reach public addresses; an Administrator can add the host to the outbound allowlist.",
      );
    });

    it("accepts a name whose addresses are all public, and targets the first of them", async () => {
      const target = await resolveOutboundTarget(url, new Allowlist([]), answering("8.8.4.4", "2001:4860:4860::8888"));
      expect(target).toEqual({ hostname: "receiver.example", address: "8.8.4.4", family: 4 });
    });

    it("accepts private addresses only when each one is allowlisted (or the name is)", async () => {
      const partly = await resolveOutboundTarget(url, new Allowlist(["10.0.0.0/24"]), answering("10.0.0.5", "10.0.1.5")).catch((e) => e);
      expect(partly).toBeInstanceOf(OutboundRefusedError);
      expect(partly.message).toMatch(/^Refused to connect to receiver\.example \(10\.0\.1\.5\): it is a private address\./);
      const both = await resolveOutboundTarget(url, new Allowlist(["10.0.0.0/23"]), answering("10.0.0.5", "10.0.1.5"));
      expect(both).toEqual({ hostname: "receiver.example", address: "10.0.0.5", family: 4 });
      const byName = await resolveOutboundTarget(url, new Allowlist(["receiver.example"]), answering("10.0.1.5"));
      expect(byName).toEqual({ hostname: "receiver.example", address: "10.0.1.5", family: 4 });
    });

    it("targets an IPv6 first answer as family 6", async () => {
      const target = await resolveOutboundTarget(url, new Allowlist([]), answering("2606:4700:4700::1111", "8.8.8.8"));
      expect(target).toEqual({ hostname: "receiver.example", address: "2606:4700:4700::1111", family: 6 });
    });

    it("names the resolver's message when its error has no code", async () => {
      const failing: HostResolver = async () => {
        throw new Error("resolver gone");
      };
      const error = await resolveOutboundTarget(url, new Allowlist([]), failing).catch((e) => e);
      expect(error.message).toBe("The host name receiver.example could not be resolved (resolver gone).");
      expect(error).not.toBeInstanceOf(OutboundRefusedError);
    });

    it("says so when the name has no address or cannot be resolved", async () => {
      const none = await resolveOutboundTarget(url, new Allowlist([]), answering()).catch((e) => e);
      expect(none.message).toBe("The host name receiver.example has no addresses.");
      const failing: HostResolver = async () => {
        throw Object.assign(new Error("queryA ENOTFOUND receiver.example"), { code: "ENOTFOUND" });
      };
      const unresolved = await resolveOutboundTarget(url, new Allowlist([]), failing).catch((e) => e);
      expect(unresolved.message).toBe("The host name receiver.example could not be resolved (ENOTFOUND).");
      expect(unresolved.code).toBe("ENOTFOUND");
    });
  });

  it("parses durations", () => {
    expect(["0", "250ms", "5s", "5m", "2h", "5d", "1.5s", "x"].map(parseDuration)).toEqual([0, 250, 5000, 300_000, 7_200_000, 432_000_000, 1500, null]);
  });
});
