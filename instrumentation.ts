export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("@/lib/config");
  // next-auth builds its redirect and cookie URLs from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= getConfig().publicUrl;
  const { startHookThreads } = await import("@/lib/hooks/sandbox-threads");
  await startHookThreads().catch((error: Error) => {
    console.error(`Delegate cannot start: ${error.message}`);
    process.exit(1);
  });
  const { prepareDatabase } = await import("@/lib/startup");
  await prepareDatabase();
  const { startAppWorker } = await import("@/lib/delivery/app-worker");
  await startAppWorker();
  const { startJobRunner } = await import("@/lib/jobs/runner");
  startJobRunner();
}
