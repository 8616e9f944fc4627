/**
 * Run as a separate process by lock.test.ts: opens the embedded database in the directory given
 * as the first argument and prints the outcome as JSON.
 */
import { openDatabase } from "@/lib/db/database";

const dataDir = process.argv[2];
const started = performance.now();
try {
  const db = await openDatabase({ kind: "embedded", dataDir });
  await db.close();
  console.log(JSON.stringify({ opened: true, ms: performance.now() - started }));
} catch (error) {
  const { name, message } = error as Error;
  console.log(JSON.stringify({ opened: false, ms: performance.now() - started, name, message }));
  process.exitCode = 1;
}
