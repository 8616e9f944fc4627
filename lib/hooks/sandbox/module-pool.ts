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

export async function createSandboxModule(maximumPages: number): Promise<SandboxModule> {
  const memory = new WebAssembly.Memory({ initial: INITIAL_MEMORY_PAGES, maximum: maximumPages });
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
  return { quickjs, memory, maximumPages };
}

/**
 * Instantiating a module costs 4-20 ms against ~0.2 ms for a fresh runtime and context, so modules are
 * reused, one run at a time each. A module that failed or whose memory grew is not reused: WebAssembly
 * memory never shrinks, and after a trap or an out-of-memory inside QuickJS its state is not trusted.
 * Concurrent runs (hooks awaiting host functions) each take their own module; only `maxIdle` are kept.
 */
export class ModulePool {
  private readonly idle: SandboxModule[] = [];

  constructor(private readonly maxIdle: number) {}

  async acquire(maximumPages: number): Promise<SandboxModule> {
    const index = this.idle.findIndex((module) => module.maximumPages === maximumPages);
    if (index >= 0) return this.idle.splice(index, 1)[0];
    return createSandboxModule(maximumPages);
  }

  release(module: SandboxModule, reusable: boolean): void {
    const grown = module.memory.buffer.byteLength > INITIAL_MEMORY_BYTES;
    if (reusable && !grown && this.idle.length < this.maxIdle) this.idle.push(module);
  }
}
