/**
 * The modules where a wrong answer is a security or data-loss bug (issue 8), each with the files Stryker
 * mutates and the test files that must kill those mutants. Keep this list and docs/testing.md in step.
 */
export interface MutationModule {
  /** What the module decides, for the report. */
  title: string;
  mutate: string[];
  tests: string[];
}

export const MUTATION_MODULES: Record<string, MutationModule> = {
  "users-list": {
    title: "Users list and its scoping",
    mutate: ["lib/users/list-users.ts"],
    tests: ["tests/users/list-users.test.ts", "tests/hooks/user-filter.test.ts"],
  },
  "user-access": {
    title: "User-level access check (roles, admins' accounts, Access Hook)",
    mutate: ["lib/users/access.ts"],
    tests: ["tests/users/user-access.test.ts", "tests/hooks/dae-rules.test.ts", "tests/access/evaluate-access.test.ts"],
  },
  "filter-hook": {
    title: "Filter Hook translation",
    mutate: ["lib/hooks/user-filter.ts"],
    tests: ["tests/hooks/user-filter.test.ts"],
  },
  "write-hook": {
    title: "Write Hook result checks",
    mutate: ["lib/hooks/write-hook.ts"],
    tests: ["tests/hooks/contracts.test.ts", "tests/hooks/write-hook-limits.test.ts", "tests/hooks/dae-rules.test.ts"],
  },
  "sign-in-throttle": {
    title: "Sign-in throttling",
    mutate: ["lib/auth/sign-in-throttle.ts"],
    tests: ["tests/auth/sign-in.test.ts"],
  },
  outbox: {
    title: "Outbox writes of create, update and delete",
    mutate: ["lib/events/enqueue.ts"],
    tests: ["tests/delivery/outbox.test.ts"],
  },
  ssrf: {
    title: "Outbound guard",
    mutate: ["lib/delivery/ssrf.ts"],
    tests: ["tests/delivery/ssrf.test.ts", "tests/delivery/http.test.ts"],
  },
  signing: {
    title: "Standard Webhooks signing and secret rotation",
    mutate: ["lib/webhooks/signature.ts", "lib/webhooks/rotate-secret.ts"],
    tests: ["tests/webhooks/signature.test.ts", "tests/webhooks/rotate-secret.test.ts"],
  },
  "retry-schedule": {
    title: "Retry scheduling",
    mutate: ["lib/delivery/outcome.ts"],
    tests: ["tests/delivery/retry-schedule.test.ts"],
  },
  "rest-hook-payload": {
    title: "REST hook payload",
    mutate: ["lib/rest-hooks/payload.ts"],
    tests: ["tests/rest-hooks/payload.test.ts"],
  },
};
