/**
 * A separate process that runs the waiting jobs of DATABASE_URL's database as the server's runner does
 * (tests/api/users-import-kill.test.ts kills it with SIGKILL mid-job, as a crashed or killed web process).
 */
import { runNextJob } from "@/lib/jobs/runner";

while (await runNextJob()) {
  // one job after the other
}
process.exit(0);
