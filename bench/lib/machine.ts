import os from "node:os";

/** What the numbers were measured on: printed at the top of every run. */
export function machineInfo(): string[] {
  const cpus = os.cpus();
  return [
    `cpu:     ${cpus[0]?.model.trim() ?? "unknown"} (${cpus.length} logical cores)`,
    `memory:  ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total, ${(os.freemem() / 1024 ** 3).toFixed(1)} GiB free`,
    `os:      ${os.type()} ${os.release()} ${os.arch()}`,
    `node:    ${process.version} (UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? "4 (default)"})`,
    loadLine("at start"),
  ];
}

/** Other work on the machine skews every figure: the load average is printed at start and end. */
export function loadLine(when: string): string {
  return `load:    ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15 min, ${when}, ${os.cpus().length} cores)`;
}
