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

/*
 * The console's editor themes: Monaco's own, with line numbers as legible as the console's muted text
 * (at least 4.5:1 on the editor's background; Monaco's dark line numbers are at the edge of it).
 */
export const EDITOR_THEMES = { light: "delegate-light", dark: "delegate-dark" } as const;
monaco.editor.defineTheme(EDITOR_THEMES.light, {
  base: "vs",
  inherit: true,
  rules: [],
  colors: { "editorLineNumber.foreground": "#4b5563", "editorLineNumber.activeForeground": "#111827" },
});
monaco.editor.defineTheme(EDITOR_THEMES.dark, {
  base: "vs-dark",
  inherit: true,
  rules: [],
  colors: { "editorLineNumber.foreground": "#b4bcc8", "editorLineNumber.activeForeground": "#ffffff" },
});

export { monaco };
