"use client";

import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";

/*
 * Monaco from the installed package, never from a CDN: the console works offline and under its
 * Content-Security-Policy. Only components loaded with `next/dynamic` and `ssr: false` import this.
 */
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === "typescript" || label === "javascript") {
      return new Worker(new URL("monaco-editor/language/typescript/ts.worker.js", import.meta.url), { type: "module" });
    }
    return new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), { type: "module" });
  },
};

loader.config({ monaco });

const javascript = monaco.typescript.javascriptDefaults;
javascript.setCompilerOptions({
  target: monaco.typescript.ScriptTarget.ES2020,
  // The sandbox has the ECMAScript built-ins and no DOM; the hook contract declares `console`.
  lib: ["es2020"],
  allowJs: true,
  checkJs: false,
  allowNonTsExtensions: true,
});
// A hook is a nameless function expression, which TypeScript reports as a syntax error. The
// editor shows the sandbox's own syntax check instead (see HookCodeEditor).
javascript.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: true, noSuggestionDiagnostics: true });

export { monaco };
