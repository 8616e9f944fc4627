import { getConfig } from "@/lib/config";

/** How many days each kind of record is kept (0: for ever). From the DELEGATE_RETENTION_* variables. */
export interface RetentionSettings {
  /** Audit entries: kept longest, they are the record of who did what. */
  auditDays: number;
  hookExecutionsDays: number;
  /** Events with their deliveries and delivery attempts. */
  eventsDays: number;
  /** Mails (with their bodies and links), and account links counted from their expiry. */
  mailDays: number;
  /** Sign-in throttling counters, counted from the last attempt (they matter for an hour at most). */
  signInThrottlesDays: number;
  /** Deleted users stay restorable this long, then are purged (their audit entries stay). */
  deletedUsersDays: number;
  /** Finished jobs (completed, failed, cancelled) with their per-user results, counted from when they finished. */
  jobsDays: number;
}

export function retentionSettings(): RetentionSettings {
  const config = getConfig();
  return {
    auditDays: config.DELEGATE_RETENTION_AUDIT_DAYS,
    hookExecutionsDays: config.DELEGATE_RETENTION_HOOK_EXECUTIONS_DAYS,
    eventsDays: config.DELEGATE_RETENTION_EVENTS_DAYS,
    mailDays: config.DELEGATE_RETENTION_MAIL_DAYS,
    signInThrottlesDays: config.DELEGATE_RETENTION_SIGN_IN_THROTTLES_DAYS,
    deletedUsersDays: config.DELEGATE_RETENTION_DELETED_USERS_DAYS,
    jobsDays: config.DELEGATE_RETENTION_JOBS_DAYS,
  };
}
