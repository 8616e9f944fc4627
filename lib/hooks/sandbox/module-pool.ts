import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import RELEASE_SYNC from "@jitl/quickjs-wasmfile-release-sync";

export const WASM_PAGE_BYTES = 65_536;
/** The release-sync build declares 256 pages (16 MiB) of initial memory; instantiation fails with less. */
export const INITIAL_MEMORY_PAGES = 256;
export const INITIAL_MEMORY_BYTES = INITIAL_MEMORY_PAGES * WASM_PAGE_BYTES;

/**
 * One QuickJS WebAssembly instance with its own linear memory. `runtime.setMemoryLimit()` is not enforced
 * by this build, so the memory's `maximum` is the real cap: once the guest needs more, malloc fails inside
 * QuickJS and the hook gets a clean "out of memory".
 */
export interface SandboxModule {
  readonly quickjs: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  readonly maximumPages: number;
}

/** Touches what a typical hook uses: JSON, objects, arrays, closures, errors. */
const WARM_UP_CODE = `JSON.stringify((function (ctx) {
  var out = { id: ctx.id, list: [1, 2, 3].map(function (n) { return n * 2; }), tags: Object.keys(ctx) };
  try { throw new Error('warm'); } catch (e) { out.message = e.message; }
  return out;
})(JSON.parse('{"id":"warm-up","name":"x"}')))`;

/**
 * V8 compiles a WebAssembly instance's functions on their first call: a hook that runs first on a
 * new module would spend tens of milliseconds compiling QuickJS. One small script compiles most of it.
 */
function warmUp(quickjs: QuickJSWASMModule): void {
  const runtime = quickjs.newRuntime();
  const context = runtime.newContext();
  context.evalCode(WARM_UP_CODE, "warm-up.js").dispose();
  context.dispose();
  runtime.dispose();
}

export async function createSandboxModule(maximumPages: number): Promise<SandboxModule> {
  const memory = new WebAssembly.Memory({ initial: INITIAL_MEMORY_PAGES, maximum: maximumPages });
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
  warmUp(quickjs);
  return { quickjs, memory, maximumPages };
}

/**
 * Instantiating a module costs 4-20 ms against ~0.2 ms for a fresh runtime and context, so modules are
 * reused, one run at a time each. A module that failed or whose memory grew is not reused: WebAssembly
 * memory never shrinks, and after a trap or an out-of-memory inside QuickJS its state is not trusted.
 * Concurrent runs (hooks awaiting host functions) each take their own module; only `maxIdle` are kept.
 * A run takes and returns its module without yielding to the event loop unless the hook awaits.
 */
export class ModulePool {
  private readonly idle: SandboxModule[] = [];

  constructor(private readonly maxIdle: number) {}

  /**
   * An idle module, taken synchronously: a hook that finishes without awaiting gives it back before
   * anyone else asks. The most recently used one, whose memory is still in the CPU's caches.
   */
  takeIdle(maximumPages: number): SandboxModule | undefined {
    const index = this.idle.findLastIndex((module) => module.maximumPages === maximumPages);
    return index >= 0 ? this.idle.splice(index, 1)[0] : undefined;
  }

  release(module: SandboxModule, reusable: boolean): void {
    const grown = module.memory.buffer.byteLength > INITIAL_MEMORY_BYTES;
    if (reusable && !grown && this.idle.length < this.maxIdle) this.idle.push(module);
  }
}
