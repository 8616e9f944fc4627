import path from "node:path";
import { z } from "zod";
import { parseDuration } from "@/lib/delivery/duration";

/** Whole days, 0 (kept for ever) to 100 years. */
const retentionDays = (fallback: number) => z.coerce.number().int().min(0).max(36_500).default(fallback);

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DELEGATE_DATA_DIR: z.string().min(1).default(".data"),
  NEXTAUTH_SECRET: z.string().min(32).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  DELEGATE_PUBLIC_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DELEGATE_TENANT_ID: z.string().uuid().optional(),
  DELEGATE_TENANT_NAME: z.string().min(1).default("Delegate Demo"),
  DELEGATE_APPLICATION_ID: z.string().uuid().optional(),
  /** "false" keeps the delivery worker out of the web process (run `npm run worker` instead). */
  DELEGATE_RUN_WORKER: z.enum(["true", "false"]).default("true"),
  /** Comma-separated hosts that outbound deliveries may reach even though they resolve to private ranges. */
  DELEGATE_OUTBOUND_ALLOWLIST: z.string().default(""),
  /** How many reverse proxies in front of the console append to X-Forwarded-* headers; 0 = none, the headers are ignored. */
  DELEGATE_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Days each kind of record is kept before the worker deletes it (0: kept for ever); see lib/retention. */
  DELEGATE_RETENTION_AUDIT_DAYS: retentionDays(400),
  DELEGATE_RETENTION_HOOK_EXECUTIONS_DAYS: retentionDays(30),
  DELEGATE_RETENTION_EVENTS_DAYS: retentionDays(30),
  DELEGATE_RETENTION_MAIL_DAYS: retentionDays(30),
  DELEGATE_RETENTION_SIGN_IN_THROTTLES_DAYS: retentionDays(1),
  DELEGATE_RETENTION_DELETED_USERS_DAYS: retentionDays(30),
  DELEGATE_RETENTION_JOBS_DAYS: retentionDays(30),
  /** How often the worker prunes: a duration like "1h" or "30m". */
  DELEGATE_RETENTION_INTERVAL: z
    .string()
    .default("1h")
    .transform((text, context) => {
      const ms = parseDuration(text);
      if (ms === null || ms < 1000) context.addIssue({ code: "custom", message: 'must be a duration of at least 1s, like "1h" or "30m"' });
      return ms ?? 0;
    }),
  /** `smtp://user:pass@host:587` or `smtps://…`: mail goes out through it. Unset: mail is kept for the Mail page. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, "SMTP_URL must be an smtp:// or smtps:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The From header of every mail, e.g. `"Example Corp" <no-reply@example.com>`. */
  MAIL_FROM: z.string().min(3).optional().or(z.literal("").transform(() => undefined)),
});

export type AppConfig = z.infer<typeof envSchema> & { dataDir: string; publicUrl: string };

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  cached = {
    ...env,
    dataDir: path.resolve(env.DELEGATE_DATA_DIR),
    publicUrl: env.DELEGATE_PUBLIC_URL ?? env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`,
  };
  return cached;
}

/** Tests change the environment between suites; this forgets what was read. */
export function resetConfigForTests(): void {
  cached = undefined;
}
