import { describe, expect, it } from "vitest";
import { plainIpAddress } from "@/components/ui/ip-address";

describe("plainIpAddress", () => {
  it("shows an IPv4-mapped IPv6 address as its IPv4 address, in either case", () => {
    expect(plainIpAddress("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(plainIpAddress("::FFFF:127.0.0.1")).toBe("127.0.0.1");
  });

  it("leaves other addresses as they are", () => {
    expect(plainIpAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(plainIpAddress("2001:db8::1")).toBe("2001:db8::1");
    expect(plainIpAddress("::1")).toBe("::1");
    expect(plainIpAddress("::ffff:7f00:1")).toBe("::ffff:7f00:1");
    expect(plainIpAddress("::ffff:203.0.113")).toBe("::ffff:203.0.113");
  });
});
