"use client";

import { Editor } from "@monaco-editor/react";
import { useEffect, useMemo, useRef } from "react";
import type { HookKind } from "@/lib/hooks/kinds";
import { EDITOR_THEMES, monaco } from "./monaco-setup";
import { usePrefersDark } from "./use-prefers-dark";

/** A problem in the hook's code, 1-based and relative to the code (not to the editor's model). */
export interface CodeMarker {
  line: number;
  column: number;
  message: string;
}

export interface HookEditorHandle {
  /** Replaces the code (e.g. after a restore), as one undoable edit. */
  setCode(code: string): void;
}

export interface HookCodeEditorProps {
  kind: HookKind;
  /** Accessible name of the editor's text area. */
  label: string;
  /** The JSDoc type line kept hidden above the code: it types the hook's parameters (IntelliSense). */
  annotation: string;
  /** The hook contract's TypeScript declarations. */
  declarations: string;
  initialCode: string;
  markers: CodeMarker[];
  onChange(code: string): void;
  onReady(handle: HookEditorHandle): void;
  /** Ctrl+S (⌘S on a Mac) in the editor. */
  onSaveShortcut(): void;
}

type CodeEditor = monaco.editor.IStandaloneCodeEditor;
/** `setHiddenAreas` exists on the editor (it is how folding hides lines) but is missing from the typings. */
type WithHiddenAreas = CodeEditor & { setHiddenAreas(ranges: monaco.IRange[]): void };

const MARKER_OWNER = "hook-syntax";
const FIRST_CODE_LINE = 2;

const EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  fixedOverflowWidgets: true,
  fontSize: 13,
  // The model's first line is the hidden annotation: numbers count the code's lines.
  lineNumbers: (line) => (line < FIRST_CODE_LINE ? "" : String(line - 1)),
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  tabSize: 2,
};

/** The code: the model without its hidden first line. */
function codeOf(model: monaco.editor.ITextModel): string {
  const text = model.getValue();
  const newline = text.indexOf("\n");
  return newline === -1 ? "" : text.slice(newline + 1);
}

/**
 * The hook editor. Its model is the hidden annotation line followed by the code, so that TypeScript
 * types `ctx` and `callback` of the nameless function; line numbers and markers are shown relative
 * to the code. The cursor is kept out of the hidden line; if an edit still reaches into it (Backspace
 * at the very start of the code), the line is put back in the same undo step.
 */
export default function HookCodeEditor({
  kind,
  label,
  annotation,
  declarations,
  initialCode,
  markers,
  onChange,
  onReady,
  onSaveShortcut,
}: HookCodeEditorProps) {
  const editorRef = useRef<CodeEditor | null>(null);
  const options = useMemo(() => ({ ...EDITOR_OPTIONS, ariaLabel: label }), [label]);
  const onChangeRef = useRef(onChange);
  const onSaveRef = useRef(onSaveShortcut);
  useEffect(() => {
    onChangeRef.current = onChange;
    onSaveRef.current = onSaveShortcut;
  }, [onChange, onSaveShortcut]);
  const theme = usePrefersDark() ? EDITOR_THEMES.dark : EDITOR_THEMES.light;

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      markers.map((marker) => {
        const lineNumber = Math.min(marker.line + 1, model.getLineCount());
        const column = Math.min(Math.max(marker.column, 1), model.getLineMaxColumn(lineNumber));
        const word = model.getWordAtPosition({ lineNumber, column });
        return {
          severity: monaco.MarkerSeverity.Error,
          message: marker.message,
          startLineNumber: lineNumber,
          startColumn: word?.startColumn ?? column,
          endLineNumber: lineNumber,
          endColumn: word?.endColumn ?? column + 1,
        };
      }),
    );
  }, [markers]);

  function onMount(editor: CodeEditor) {
    editorRef.current = editor;
    const model = editor.getModel();
    if (!model) return;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => onSaveRef.current());
    const hideAnnotation = () => (editor as WithHiddenAreas).setHiddenAreas([new monaco.Range(1, 1, 1, 1)]);
    hideAnnotation();

    /** Puts the annotation back on its own first line when an edit touched it; the cursor stays in the code. */
    const repairAnnotation = () => {
      const first = model.getLineContent(1);
      if (first === annotation) return;
      // Joined: Backspace at the start of the code (or a join) appended the first code line to it.
      const joined = first.startsWith(annotation);
      const edit = joined
        ? { range: new monaco.Range(1, annotation.length + 1, 1, annotation.length + 1), text: "\n" }
        : { range: new monaco.Range(1, 1, 1, 1), text: `${annotation}\n` };
      const position = editor.getPosition() ?? new monaco.Position(FIRST_CODE_LINE, 1);
      const [line, column] =
        position.lineNumber === 1 && joined
          ? [FIRST_CODE_LINE, Math.max(1, position.column - annotation.length)]
          : [position.lineNumber + 1, position.column];
      editor.executeEdits("hook-annotation", [edit], [new monaco.Selection(line, column, line, column)]);
      hideAnnotation();
    };

    editor.onDidChangeModelContent(() => {
      if (model.getLineContent(1) !== annotation) queueMicrotask(repairAnnotation);
      else onChangeRef.current(codeOf(model));
    });
    // The cursor never rests on the hidden line: Ctrl+Home, Ctrl+A and the like stop at the code.
    editor.onDidChangeCursorSelection(() => {
      // While the hidden line awaits its repair, the repair places the cursor.
      if (model.getLineContent(1) !== annotation) return;
      const selections = editor.getSelections() ?? [];
      if (!selections.some((selection) => selection.startLineNumber < FIRST_CODE_LINE)) return;
      const clamp = (line: number, column: number) => (line < FIRST_CODE_LINE ? [FIRST_CODE_LINE, 1] : [line, column]);
      editor.setSelections(
        selections.map((selection) => {
          const [anchorLine, anchorColumn] = clamp(selection.selectionStartLineNumber, selection.selectionStartColumn);
          const [line, column] = clamp(selection.positionLineNumber, selection.positionColumn);
          return new monaco.Selection(anchorLine, anchorColumn, line, column);
        }),
      );
    });

    onReady({
      setCode(code) {
        const last = model.getLineCount();
        editor.pushUndoStop();
        editor.executeEdits("restore", [
          { range: new monaco.Range(FIRST_CODE_LINE, 1, last, model.getLineMaxColumn(last)), text: code },
        ]);
        editor.pushUndoStop();
        editor.setPosition({ lineNumber: FIRST_CODE_LINE, column: 1 });
      },
    });
  }

  return (
    <Editor
      height="100%"
      path={`file:///hooks/${kind}.js`}
      defaultLanguage="javascript"
      defaultValue={`${annotation}\n${initialCode}`}
      theme={theme}
      loading={<p className="muted">Loading the editor…</p>}
      beforeMount={() => {
        monaco.typescript.javascriptDefaults.setExtraLibs([{ content: declarations, filePath: "file:///hook-contract.d.ts" }]);
      }}
      onMount={onMount}
      options={options}
    />
  );
}
