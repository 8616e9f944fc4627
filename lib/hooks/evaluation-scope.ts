/**
 * An access evaluation (lib/access/evaluate-access.ts) runs the console's own checks with their hooks, as
 * they run for a request, but writes nothing: inside `withinEvaluation`, `loadActiveHook` answers with the
 * drafts under evaluation before the saved hooks, `executeHook` records no execution and turns `ctx.write`
 * into a no-op, and every hook run is collected for the answer.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { HookKind } from "./kinds";
import type { HookRunResult } from "./sandbox";

export interface DraftHook {
  kind: HookKind;
  code: string;
  timeoutMs: number;
}

export interface EvaluatedRun {
  kind: HookKind;
  run: HookRunResult;
}

interface EvaluationScope {
  drafts: ReadonlyMap<HookKind, DraftHook>;
  runs: EvaluatedRun[];
  /**
   * The hook threads' lane of the runs (lib/hooks/threads/lanes.ts), when not the evaluated admin's: an
   * impact preview runs drafts as every admin, and a slow draft must not cost those admins their threads.
   */
  lane?: string;
}

const scope = new AsyncLocalStorage<EvaluationScope>();

export function currentEvaluation(): EvaluationScope | undefined {
  return scope.getStore();
}

/** A scope inside another keeps its lane unless given one. */
export async function withinEvaluation<T>(
  drafts: DraftHook[],
  work: (runs: readonly EvaluatedRun[]) => Promise<T>,
  options: { lane?: string } = {},
): Promise<T> {
  const lane = options.lane ?? scope.getStore()?.lane;
  const store: EvaluationScope = { drafts: new Map(drafts.map((draft) => [draft.kind, draft])), runs: [], lane };
  return scope.run(store, () => work(store.runs));
}
