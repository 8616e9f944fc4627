/** Whether a hook runs: enabled, disabled (kept, not run), or never saved (the built-in behaviour applies). */
export function HookStatusBadge({ hook }: { hook: { enabled: boolean } | null }) {
  if (!hook) return <span className="badge">Not configured</span>;
  return hook.enabled ? <span className="badge ok">Enabled</span> : <span className="badge danger">Disabled</span>;
}
