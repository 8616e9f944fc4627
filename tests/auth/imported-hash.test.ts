import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { storedImportedHash } from "@/lib/auth/imported-hash";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { DomainError } from "@/lib/errors";
import { customPasswordHashSchema } from "@/lib/schemas/password-hash";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 14: password hashes imported from Auth0 (`custom_password_hash`) verify the old password, and the first
 * successful sign-in replaces them with argon2id. The vectors were computed outside Node, for the password
 * "Old-Auth0-pass-1": bcrypt with htpasswd -B (Apache), argon2 with the argon2 reference CLI, pbkdf2 and the
 * salted digests with Python's hashlib.
 */

const PASSWORD = "Old-Auth0-pass-1";
const stored = (custom: unknown) => storedImportedHash(customPasswordHashSchema.parse(custom));

const VECTORS: { name: string; custom: unknown; stored: string }[] = [
  {
    name: "bcrypt $2b$, cost 10",
    custom: { algorithm: "bcrypt", hash: { value: "$2b$10$2LKET6BpMwjHS05mk/jJJuxfYVdkoGgtcBisUaR6s9zM1ac.NZzsO" } },
    stored: "$2b$10$2LKET6BpMwjHS05mk/jJJuxfYVdkoGgtcBisUaR6s9zM1ac.NZzsO",
  },
  {
    name: "bcrypt $2y$, cost 4",
    custom: { algorithm: "bcrypt", hash: { value: "$2y$04$a4NQbssj7hBZm6N7LQV7S.23kvvQdwwfc3TWCPXahTf9.GJBECbJW", encoding: "utf8" } },
    stored: "$2y$04$a4NQbssj7hBZm6N7LQV7S.23kvvQdwwfc3TWCPXahTf9.GJBECbJW",
  },
  {
    name: "argon2i",
    custom: { algorithm: "argon2", hash: { value: "$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0$BRROEHFezd1JXYCAvCa0Kv2L+kWdM2ZB1gTjf/itqa4" } },
    stored: "$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHQxMjM0$BRROEHFezd1JXYCAvCa0Kv2L+kWdM2ZB1gTjf/itqa4",
  },
  {
    name: "argon2id with other parameters",
    custom: { algorithm: "argon2", hash: { value: "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxMjM0$g9EtEwIillzbj/LkZh8WZpoFbn+hLj33CZQQ3PAIqMM" } },
    stored: "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxMjM0$g9EtEwIillzbj/LkZh8WZpoFbn+hLj33CZQQ3PAIqMM",
  },
  {
    name: "pbkdf2-sha256",
    custom: { algorithm: "pbkdf2", hash: { value: "$pbkdf2-sha256$i=10000,l=32$c2FsdHktc2FsdC0xNmJ5dA$vzpq3ECpFitxmt6QaWtcVbJzGNy4KAWE18hisXorpBo" } },
    stored: "$pbkdf2-sha256$i=10000,l=32$c2FsdHktc2FsdC0xNmJ5dA$vzpq3ECpFitxmt6QaWtcVbJzGNy4KAWE18hisXorpBo",
  },
  {
    name: "pbkdf2-sha512",
    custom: {
      algorithm: "pbkdf2",
      hash: { value: "$pbkdf2-sha512$i=5000,l=64$c2FsdHktc2FsdC0xNmJ5dA$tD6+c9sxkO3NSgvoLcVHUav3+wp5/dWufk/1t/pf6sTzlh64Pu8JPEXb5VmT80pr8Am0enpFJW9K1M7ckjHJuw" },
    },
    stored: "$pbkdf2-sha512$i=5000,l=64$c2FsdHktc2FsdC0xNmJ5dA$tD6+c9sxkO3NSgvoLcVHUav3+wp5/dWufk/1t/pf6sTzlh64Pu8JPEXb5VmT80pr8Am0enpFJW9K1M7ckjHJuw",
  },
  {
    name: "pbkdf2-sha1",
    custom: { algorithm: "pbkdf2", hash: { value: "$pbkdf2-sha1$i=1000,l=20$c2FsdHktc2FsdC0xNmJ5dA$FrELOSYbX+pSwZGMKLGumsj1OR4" } },
    stored: "$pbkdf2-sha1$i=1000,l=20$c2FsdHktc2FsdC0xNmJ5dA$FrELOSYbX+pSwZGMKLGumsj1OR4",
  },
  {
    name: "sha256, hex salt as prefix, base64 digest",
    custom: {
      algorithm: "sha256",
      hash: { value: "RkCLywDafs11kuzeamAcOkyhCDbtWwFw/SvH11i6ZsM=", encoding: "base64" },
      salt: { value: "a1b2c3d4e5f60718", encoding: "hex", position: "prefix" },
    },
    stored: "$sha256$p=utf8,s=prefix$obLD1OX2Bxg$RkCLywDafs11kuzeamAcOkyhCDbtWwFw/SvH11i6ZsM",
  },
  {
    name: "sha512, utf8 salt as suffix, hex digest",
    custom: {
      algorithm: "sha512",
      hash: {
        value: "cd1f5807af186188df022f83f643430dcf481b6a7914147e57c27481c59fe8fc5698e42357be2712f3878685e8c0558eca0fc4abdeab8ce3ff4cdd1a7ed6bd3e",
        encoding: "hex",
      },
      salt: { value: "pepper", encoding: "utf8", position: "suffix" },
    },
    stored: "$sha512$p=utf8,s=suffix$cGVwcGVy$zR9YB68YYYjfAi+D9kNDDc9IG2p5FBR+V8J0gcWf6PxWmOQjV74nEvOHhoXowFWOyg/Eq96rjOP/TN0afta9Pg",
  },
  {
    name: "sha256 without salt, password in UTF-16LE",
    custom: { algorithm: "sha256", hash: { value: "W97qPfCZC0M1g6b8YgsVSKXyKkWOl2yqOxZc2cBcJtg=", encoding: "base64" }, password: { encoding: "utf16le" } },
    stored: "$sha256$p=utf16le,s=prefix$$W97qPfCZC0M1g6b8YgsVSKXyKkWOl2yqOxZc2cBcJtg",
  },
];

describe("imported password hashes", () => {
  for (const vector of VECTORS) {
    it(`${vector.name}: stored as written, verifies the old password and nothing else, to be rehashed`, async () => {
      const hash = stored(vector.custom);
      expect(hash).toBe(vector.stored);
      expect(await verifyPassword(hash, PASSWORD)).toBe(true);
      expect(await verifyPassword(hash, "Old-Auth0-pass-2")).toBe(false);
      expect(await verifyPassword(hash, "")).toBe(false);
      expect(needsRehash(hash)).toBe(true);
    });
  }

  it("keeps Delegate's own argon2id as it is", async () => {
    const own = await hashPassword(PASSWORD);
    expect(needsRehash(own)).toBe(false);
    expect(await verifyPassword(own, PASSWORD)).toBe(true);
  });

  const refusal = (custom: unknown) => {
    const parsed = customPasswordHashSchema.safeParse(custom);
    if (!parsed.success) return parsed.error.issues[0].message;
    try {
      storedImportedHash(parsed.data);
      return "accepted";
    } catch (error) {
      return (error as DomainError).fieldErrors?.custom_password_hash;
    }
  };

  it("refuses a hash it cannot use, saying what is wrong", () => {
    expect(refusal({ algorithm: "md5", hash: { value: "x", encoding: "hex" } })).toBe(
      "Delegate imports custom_password_hash with the algorithms bcrypt, argon2, pbkdf2, sha256, sha512; reset the passwords of users hashed otherwise.",
    );
    expect(refusal({ algorithm: "bcrypt", hash: { value: "$2b$10$short" } })).toBe("This bcrypt hash is not in the expected form: $2a$ or $2b$, the cost and 53 characters.");
    expect(refusal({ algorithm: "pbkdf2", hash: { value: "$pbkdf2-md5$i=1,l=16$c2FsdA$aGFzaA" } })).toMatch(/^This pbkdf2 hash is not in the expected form: a PHC string/);
    expect(refusal({ algorithm: "sha256", hash: { value: "abcd", encoding: "hex" } })).toBe("A sha256 digest has 32 bytes; hash.value has 2.");
    expect(refusal({ algorithm: "sha256", hash: { value: "zz", encoding: "hex" } })).toBe("hash.value is not hexadecimal.");
    expect(refusal({ algorithm: "sha256", hash: { value: "abc" } })).toBe("A sha256 digest is bytes: hash.encoding must be base64 or hex.");
    expect(refusal({ algorithm: "bcrypt", hash: { value: "$2b$10$2LKET6BpMwjHS05mk/jJJuxfYVdkoGgtcBisUaR6s9zM1ac.NZzsO" }, salt: { value: "x" } })).toBe(
      "A bcrypt hash carries its salt in hash.value: leave salt out.",
    );
  });
});

describe("rehash on the first successful sign-in", () => {
  const db = useTestDatabase();
  let admins: Record<DemoAdmin, Actor>;
  beforeAll(async () => {
    admins = await seedAndLoadAdmins(db(), 0);
  });

  it("replaces an imported bcrypt hash by argon2id after the right password, not after a wrong one", async () => {
    const bcrypt = VECTORS[0].stored;
    await db().prisma.user.update({ where: { id: admins.olga.id }, data: { passwordHash: bcrypt } });
    const request = { ipAddress: "198.51.100.14", userAgent: "vitest" };
    await expect(signInWithPassword({ email: "olga@example.com", password: "Old-Auth0-pass-2" }, request)).rejects.toThrow("Wrong email or password.");
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: admins.olga.id } })).passwordHash).toBe(bcrypt);
    const signedIn = await signInWithPassword({ email: "olga@example.com", password: PASSWORD }, request);
    expect(signedIn.id).toBe(admins.olga.id);
    const after = (await db().prisma.user.findUniqueOrThrow({ where: { id: admins.olga.id } })).passwordHash!;
    expect(after).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(after, PASSWORD)).toBe(true);
    // The password did not change: the next sign-in takes it, and keeps the hash.
    await signInWithPassword({ email: "olga@example.com", password: PASSWORD }, request);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: admins.olga.id } })).passwordHash).toBe(after);
  });
});
