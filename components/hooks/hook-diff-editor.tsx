"use client";

import { DiffEditor } from "@monaco-editor/react";
import { useEffect, useRef } from "react";
import { EDITOR_THEMES, monaco } from "./monaco-setup";
import { usePrefersDark } from "./use-prefers-dark";

/**
 * Monaco's diff editor, read-only: a saved version (left) against the editor's current code (right),
 * each pane with its own accessible name; dark when the OS prefers it.
 */
export default function HookDiffEditor({
  original,
  modified,
  label,
  originalLabel,
  modifiedLabel,
}: {
  original: string;
  modified: string;
  label: string;
  originalLabel: string;
  modifiedLabel: string;
}) {
  const theme = usePrefersDark() ? EDITOR_THEMES.dark : EDITOR_THEMES.light;
  const models = useRef<monaco.editor.IDiffEditorModel | null>(null);
  // The diff editor must be disposed before its models; the wrapper is told to keep them and they
  // are disposed here, after it.
  useEffect(
    () => () => {
      const current = models.current;
      setTimeout(() => {
        current?.original.dispose();
        current?.modified.dispose();
      }, 0);
    },
    [],
  );
  return (
    <DiffEditor
      height="100%"
      language="javascript"
      original={original}
      modified={modified}
      theme={theme}
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      loading={<p className="muted">Loading the comparison…</p>}
      onMount={(editor) => {
        models.current = editor.getModel();
      }}
      options={{
        ariaLabel: label,
        originalAriaLabel: originalLabel,
        modifiedAriaLabel: modifiedLabel,
        automaticLayout: true,
        readOnly: true,
        originalEditable: false,
        renderSideBySide: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 13,
      }}
    />
  );
}
