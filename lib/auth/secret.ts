import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";

let secret: string | undefined;

/** NEXTAUTH_SECRET, or a secret generated once and kept in the data directory. */
export function getAuthSecret(): string {
  if (secret) return secret;
  const config = getConfig();
  if (config.NEXTAUTH_SECRET) return (secret = config.NEXTAUTH_SECRET);
  const file = path.join(config.dataDir, "auth-secret");
  try {
    secret = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const generated = crypto.randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, generated, { flag: "wx", mode: 0o600 });
      console.warn(
        `NEXTAUTH_SECRET is not set: generated one in ${file}. Production deployments must set their own NEXTAUTH_SECRET.`,
      );
    } catch {
      // another process wrote it first
    }
    secret = fs.readFileSync(file, "utf8").trim();
  }
  return secret;
}
