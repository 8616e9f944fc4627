"use client";

import { DiffEditor } from "@monaco-editor/react";
import { useEffect, useRef } from "react";
import { monaco } from "./monaco-setup";

/** Monaco's diff editor, read-only: a saved version (left) against the editor's current code (right). */
export default function HookDiffEditor({ original, modified, label }: { original: string; modified: string; label: string }) {
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
      theme="vs"
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      loading={<p className="muted">Loading the comparison…</p>}
      onMount={(editor) => {
        models.current = editor.getModel();
      }}
      options={{
        ariaLabel: label,
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
