import crypto from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { ROLES } from "@/lib/auth/roles";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DEMO_HOOKS } from "@/lib/hooks/demo-hooks";
import { HOOK_KINDS } from "@/lib/hooks/kinds";
import { writeHookVersion } from "@/lib/hooks/manage/save-hook";
import { getTenant } from "@/lib/tenant/tenant";

export const DEMO_CONNECTION = "Username-Password-Authentication";
export const DEMO_DEPARTMENTS = ["Finance", "IT", "Sales", "HR", "Marketing"] as const;
export const DEMO_ADMIN_PASSWORD = "Delegate-demo-1!";

export const DEMO_ADMINS = [
  { email: "kelly@example.com", name: "Kelly Finance", department: "Finance", role: ROLES.user },
  { email: "ian@example.com", name: "Ian IT", department: "IT", role: ROLES.administrator },
  { email: "olga@example.com", name: "Olga Sales", department: "Sales", role: ROLES.operator },
  { email: "aud@example.com", name: "Audrey Auditor", department: null, role: ROLES.auditor },
] as const;

const GIVEN_NAMES = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Mara", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Sami", "Tara"];
const FAMILY_NAMES = ["Adams", "Baker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen"];

/** Demo users, deterministic so that re-seeding finds the same people. */
export function demoUsers(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const given = GIVEN_NAMES[i % GIVEN_NAMES.length];
    const family = FAMILY_NAMES[Math.floor(i / GIVEN_NAMES.length) % FAMILY_NAMES.length];
    const department = DEMO_DEPARTMENTS[i % DEMO_DEPARTMENTS.length];
    return {
      email: `${given}.${family}${i >= GIVEN_NAMES.length * FAMILY_NAMES.length ? i : ""}@example.com`.toLowerCase(),
      name: `${given} ${family}`,
      givenName: given,
      familyName: family,
      department,
      emailVerified: i % 3 !== 0,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 * 7),
      lastLogin: i % 4 === 0 ? null : new Date(Date.UTC(2026, 6, 1) + i * 3_600_000 * 5),
    };
  });
}

/** Loads the demo tenant; safe to run again (existing records are kept). */
export interface SeedOptions {
  adminPassword?: string;
  users?: number;
  /** Install the demo hooks (the seed's Write Hook and the department rule); default true. */
  hooks?: boolean;
}

export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}) {
  await getTenant();
  const connection = await prisma.connection.upsert({
    where: { name: DEMO_CONNECTION },
    update: {},
    create: {
      id: `con_${crypto.randomBytes(8).toString("hex")}`,
      name: DEMO_CONNECTION,
      strategy: "auth0",
      passwordMinLength: 8,
      passwordMinCharClasses: 3,
    },
  });
  await prisma.connection.upsert({
    where: { name: "google-oauth2" },
    update: {},
    create: { id: `con_${crypto.randomBytes(8).toString("hex")}`, name: "google-oauth2", strategy: "google-oauth2" },
  });
  await prisma.department.createMany({ data: DEMO_DEPARTMENTS.map((name) => ({ name })), skipDuplicates: true });

  const adminHash = await hashPassword(options.adminPassword ?? DEMO_ADMIN_PASSWORD);
  for (const admin of DEMO_ADMINS) {
    await prisma.user.upsert({
      where: { connectionId_email: { connectionId: connection.id, email: admin.email } },
      update: {},
      create: {
        connectionId: connection.id,
        email: admin.email,
        emailVerified: true,
        name: admin.name,
        passwordHash: adminHash,
        appMetadata: {
          roles: [admin.role],
          ...(admin.department && { department: admin.department, memberships: [admin.department] }),
        },
      },
    });
  }

  // Ordinary users share one random password: nobody signs in as them in the demo.
  const userHash = await hashPassword(crypto.randomBytes(24).toString("base64url"));
  const users = demoUsers(options.users ?? 200);
  await prisma.user.createMany({
    skipDuplicates: true,
    data: users.map((user) => ({
      connectionId: connection.id,
      email: user.email,
      name: user.name,
      givenName: user.givenName,
      familyName: user.familyName,
      emailVerified: user.emailVerified,
      passwordHash: userHash,
      // As the seed's Write Hook (Auth0's sample) writes them: DAE's published hooks read app_metadata.department.
      appMetadata: { department: user.department, memberships: [user.department] },
      userMetadata: { title: "Analyst" },
      createdAt: user.createdAt,
      lastLogin: user.lastLogin,
      loginsCount: user.lastLogin ? 3 : 0,
    })),
  });

  if (options.hooks ?? true) await seedDemoHooks(prisma);
}

/** Saves the demo hooks as version 1 of each kind that has never been saved. */
async function seedDemoHooks(prisma: PrismaClient) {
  const author = await prisma.user.findFirst({ where: { email: "ian@example.com" }, select: { id: true, email: true } });
  if (!author) return;
  for (const kind of HOOK_KINDS) {
    const code = DEMO_HOOKS[kind];
    if (!code || (await prisma.hook.findUnique({ where: { kind } }))) continue;
    await prisma.$transaction((tx) => writeHookVersion(tx, author, { kind, code, enabled: true, timeoutMs: 500 }, "save"));
  }
}
