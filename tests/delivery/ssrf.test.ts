import { describe, expect, it } from "vitest";
import { Allowlist, blockedReason, literalAddressProblem, OutboundRefusedError, resolveOutboundTarget } from "@/lib/delivery/ssrf";
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
  ])("refuses %s (%s)", (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "172.32.0.1", "100.128.0.1"])("allows the public address %s", (address) => {
    expect(blockedReason(address)).toBeNull();
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

  it("parses durations", () => {
    expect(["0", "250ms", "5s", "5m", "2h", "5d", "1.5s", "x"].map(parseDuration)).toEqual([0, 250, 5000, 300_000, 7_200_000, 432_000_000, 1500, null]);
  });
});
