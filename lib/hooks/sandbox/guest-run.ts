import type { QuickJSContext, QuickJSHandle, VmFunctionImplementation } from "quickjs-emscripten-core";
import type { GuestHelper } from "./guest-helpers";
import type { RunLimits } from "./limits";
import type { HookError, HookRunOptions, Settlement } from "./types";

export interface GuestErrorDescription {
  message: string;
  name: string;
  stack: string;
  /** The error's `field` property, when a string: the form field the hook's message is about. */
  field: string;
}

/**
 * One run as the guest modules and the result contract see it (implemented by the engine's HookExecution):
 * the guest's context, its limits, and how to call into it, settle it or wake the host loop.
 */
export interface GuestRun {
  readonly vm: QuickJSContext;
  readonly hookName: string;
  readonly options: HookRunOptions;
  readonly limits: RunLimits;
  readonly isSettled: boolean;
  readonly interruptedAtDeadline: boolean;
  /** The guest's JSON.stringify, captured before the hook ran. */
  readonly jsonStringify: QuickJSHandle;
  /** Keeps the handle until the run is disposed. */
  own(handle: QuickJSHandle): QuickJSHandle;
  /** Wraps a host function the guest calls (see HookExecution.guestCallable). */
  guestCallable(
    body: (...args: QuickJSHandle[]) => ReturnType<VmFunctionImplementation<QuickJSHandle>>,
  ): VmFunctionImplementation<QuickJSHandle>;
  /** Runs host code on behalf of the guest; undefined when it failed (the run is then settled). */
  guarded<T>(body: () => T): T | undefined;
  /** A guest helper compiled on first use; undefined when the guest has no memory or time left. */
  helper(name: GuestHelper): QuickJSHandle | undefined;
  describe(error: QuickJSHandle): GuestErrorDescription | undefined;
  parseInGuest(jsonText: string): QuickJSHandle;
  stringLength(value: QuickJSHandle): number;
  /** Runs the guest's pending jobs until it waits or settles. */
  drainJobs(): void;
  settle(settlement: Settlement): void;
  /** Ends the run with an error the guest threw where no caller could catch it (an asynchronous callback). */
  failWithGuestError(error: QuickJSHandle): void;
  /** Settles the run with the failure an exception on the host side means. */
  failFromHost(error: unknown): void;
  /** Lets the host loop look at the run again (a host call completed). */
  wake(): void;
  timeoutError(): HookError;
  memoryError(): HookError;
  /** The guest could not even run a helper to describe its error: it was out of time or memory. */
  failureWithoutDescription(): HookError;
}
