/**
 * Verifies the audit log's hash chain (lib/audit/chain.ts) and names the first entry edited, removed or
 * re-ordered; exits 1 when it finds one.
 *
 *   npm run audit:verify                               the chain, from the retention anchor to the head
 *   npm run audit:verify -- --checkpoint a.json …      also each exported checkpoint (a truncated tail)
 *   npm run audit:verify -- --export-checkpoint        prints the head as a checkpoint to keep elsewhere
 */
import fs from "node:fs";
import { currentCheckpoint, verifyChain } from "@/lib/audit/chain";
import { closeDatabase, getPrisma } from "@/lib/db/client";
import { checkpointsTextSchema } from "@/lib/schemas/audit";

const args = process.argv.slice(2);
const prisma = await getPrisma();
try {
  if (args.includes("--export-checkpoint")) {
    console.log(JSON.stringify(await currentCheckpoint(prisma)));
  } else {
    const files = args.flatMap((arg, i) => (args[i - 1] === "--checkpoint" ? [arg] : []));
    const checkpoints = checkpointsTextSchema.parse(files.map((file) => fs.readFileSync(file, "utf8").trim()).join("\n"));
    const report = await verifyChain(prisma, checkpoints);
    for (const checkpoint of report.checkpoints) console.log(`Checkpoint at entry ${checkpoint.seq}: ${checkpoint.status}`);
    if (report.ok) {
      console.log(`The audit log is intact: ${report.checked} entries checked (after the anchor at entry ${report.anchor.seq}, up to entry ${report.head.seq}).`);
    } else {
      console.error(`The audit log was tampered with (${report.problem?.kind}): ${report.problem?.message}`);
      if (report.problem?.entry_id) console.error(`Entry id: ${report.problem.entry_id}`);
      process.exitCode = 1;
    }
  }
} finally {
  await closeDatabase();
}
