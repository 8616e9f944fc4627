"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { useLeaveGuard } from "@/components/ui/use-leave-guard";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import {
  checkHookSyntaxAction,
  restoreHookVersionAction,
  saveHookAction,
  setHookEnabledAction,
} from "@/lib/actions/hooks";
import type { HookKind } from "@/lib/hooks/kinds";
import type { ImpactPreview } from "@/lib/schemas/impact";
import type { CodeMarker, HookEditorHandle } from "./hook-code-editor";
import { HookRunner } from "./hook-runner";
import { HookStatusBadge } from "./hook-status";
import { HookVersions, type HookVersionRow } from "./hook-versions";
import { DraftEvaluation, type DraftEvaluationAdmin } from "./draft-evaluation";
import { ImpactPreviewPanel, PREVIEWABLE_KINDS } from "./impact-preview";
import { useImpactPreview } from "./use-impact-preview";
import { useHookDraft } from "./use-hook-draft";
import styles from "./hooks.module.css";

const HookCodeEditor = dynamic(() => import("./hook-code-editor"), {
  ssr: false,
  loading: () => <p className="muted">Loading the editor…</p>,
});

const SYNTAX_CHECK_DELAY_MS = 400;
const LEAVE_MESSAGE = "Leave this page? Your unsaved code stays in this browser as a draft, offered when you open the hook again.";
const DRAFT_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const LOCATION = /line (\d+), column (\d+): (.*)$/s;

export interface SavedHook {
  code: string;
  enabled: boolean;
  timeoutMs: number;
}

export interface HookWorkbenchProps {
  kind: HookKind;
  name: string;
  description: string;
  /** The deployed hook (what runs), or null when it was never deployed. */
  hook: SavedHook | null;
  deployedVersion: number | null;
  /** Newest first, drafts included: the editor opens the newest. */
  versions: HookVersionRow[];
  starterCode: string;
  annotation: string;
  declarations: string;
  sampleContext: string;
  /** For the hooks an evaluation can run as a draft: the admins "Evaluate with this draft" can ask about. */
  evaluableAdmins?: DraftEvaluationAdmin[];
}

/**
 * The Hooks page's editor: code, timeout, enabled, a note, Save draft and Deploy, the Runner beside it and the
 * versions below. The editor opens the newest version, which is a draft when one was saved after the deploy.
 */
export function HookWorkbench(props: HookWorkbenchProps) {
  const { kind, name, hook, deployedVersion } = props;
  const router = useRouter();
  const action = useAction();
  const editor = useRef<HookEditorHandle | null>(null);
  const newest = props.versions[0];
  const pendingDraft = newest?.reason === "draft" ? newest : null;
  const [code, setCode] = useState(newest?.code ?? props.starterCode);
  // Untouched starter code of a hook never saved is not "unsaved".
  const [savedCode, setSavedCode] = useState(newest?.code ?? props.starterCode);
  const [enabled, setEnabled] = useState(newest?.enabled ?? true);
  const [timeoutMs, setTimeoutMs] = useState(String(newest?.timeoutMs ?? 500));
  const [note, setNote] = useState("");
  const [markers, setMarkers] = useState<CodeMarker[]>([]);
  const [syntaxStatus, setSyntaxStatus] = useState("");
  const toast = useToast();
  const [comparing, setComparing] = useState<number | null>(null);
  const checkSequence = useRef(0);
  const [editorReady, setEditorReady] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const impact = useImpactPreview();
  const [preview, setPreview] = useState<{ code: string; result: ImpactPreview } | null>(null);
  const [askDeploy, setAskDeploy] = useState(false);
  const previewable = PREVIEWABLE_KINDS.has(kind);
  const previewedCode = preview !== null && preview.code.trim() === code.trim();
  const dirty = code.trim() !== savedCode.trim();
  const draft = useHookDraft(kind, code, savedCode);
  useLeaveGuard(dirty, LEAVE_MESSAGE);

  // The sandbox's own compiler checks the code as it is typed, so the editor agrees with Save.
  useEffect(() => {
    const sequence = ++checkSequence.current;
    const timer = setTimeout(async () => {
      const result = await checkHookSyntaxAction({ code }).catch(() => null);
      if (sequence !== checkSequence.current || !result?.ok) return;
      const check = result.data;
      if (check.ok) {
        setMarkers([]);
        setSyntaxStatus("No syntax errors.");
      } else {
        setMarkers([{ line: check.line, column: check.column, message: check.message }]);
        setSyntaxStatus(`Syntax error at line ${check.line}, column ${check.column}: ${check.message}`);
      }
    }, SYNTAX_CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [code]);

  const onEditorReady = useCallback((handle: HookEditorHandle) => {
    editor.current = handle;
    setEditorReady(true);
  }, []);
  const onSaveShortcut = useCallback(() => form.current?.requestSubmit(), []);

  function onDraftAnswer(restore: boolean) {
    if (restore && draft.offered) editor.current?.setCode(draft.offered.code);
    draft.answer(restore);
  }

  /** Save draft (also Enter and Ctrl/Cmd+S) writes a version that does not run; Deploy writes one that runs. */
  function onSave(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const draft = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("value") !== "deploy";
    // Deploying code whose impact on the admins nobody looked at asks first.
    if (!draft && previewable && !previewedCode) setAskDeploy(true);
    else save(draft);
  }

  function onPreview() {
    const previewed = code;
    const timeout = Number(timeoutMs);
    void impact
      .run({
        kind: kind as "filter" | "access" | "memberships" | "settings",
        code: previewed,
        timeout_ms: timeout >= 50 && timeout <= 10_000 ? timeout : undefined,
      })
      .then((result) => result && setPreview({ code: previewed, result }));
  }

  function save(draft: boolean) {
    // Saved code is trimmed: leading blank lines go first, so that reported lines match the editor.
    const trimmed = code.replace(/^\s+/, "");
    if (trimmed !== code) editor.current?.setCode(trimmed);
    action.run(
      async () => {
        const result = await saveHookAction({ kind, code: trimmed, enabled, timeoutMs: Number(timeoutMs), note, draft });
        // A refused save's syntax error is also shown in the editor.
        const located = result.ok ? null : result.error.fieldErrors?.code?.match(LOCATION);
        if (located) setMarkers([{ line: Number(located[1]), column: Number(located[2]), message: located[3] }]);
        return result;
      },
      ({ version }) => {
        setSavedCode(trimmed);
        setNote("");
        toast(draft ? `Draft saved as version ${version}. It does not run until it is deployed.` : `Deployed as version ${version}.`);
        router.refresh();
      },
    );
  }

  function onToggleEnabled() {
    const next = !hook?.enabled;
    action.run(
      () => setHookEnabledAction({ kind, enabled: next }),
      ({ version }) => {
        setEnabled(next);
        toast(`${name} ${next ? "enabled" : "disabled"} (version ${version}).`);
        router.refresh();
      },
    );
  }

  function onRestore(version: number) {
    action.run(
      () => restoreHookVersionAction({ kind, version }),
      (restored) => {
        editor.current?.setCode(restored.code);
        setCode(restored.code);
        setSavedCode(restored.code);
        setEnabled(restored.enabled);
        setTimeoutMs(String(restored.timeoutMs));
        setComparing(null);
        toast(`Version ${version} restored as version ${restored.version}.`);
        router.refresh();
      },
    );
  }

  const timeoutError = action.error?.fieldErrors?.timeoutMs;
  const noteError = action.error?.fieldErrors?.note;

  return (
    <>
      <div className="page-header">
        <h1>{name}</h1>
        <div className={styles.headerStatus}>
          <HookStatusBadge hook={hook} />
          {deployedVersion !== null && <span className="muted">Deployed version {deployedVersion}</span>}
          {pendingDraft && <span className="badge">Draft version {pendingDraft.version} not deployed</span>}
          {dirty && <span className="badge">Unsaved changes</span>}
          {hook &&
            (hook.enabled ? (
              <ConfirmButton
                label="Disable"
                title={`Disable the ${name}?`}
                description={`The ${name} stops running from now on, until it is enabled again. The change is saved as a new version.`}
                confirmLabel={`Disable the ${name}`}
                focusKey="hook-enabled-toggle"
                disabled={action.pending}
                onConfirm={onToggleEnabled}
              />
            ) : (
              <button type="button" className="secondary" data-focus-key="hook-enabled-toggle" onClick={onToggleEnabled} disabled={action.pending}>
                Enable
              </button>
            ))}
        </div>
      </div>
      <p className="muted">{props.description}</p>
      <p className="notice wide-screen-only-notice">
        Editing code needs a wider screen: use a window at least 900 pixels wide to change this hook. Its status, versions
        and recent executions can be read here.
      </p>
      {draft.offered && (
        <div role="region" aria-label="Unsaved draft" className={`notice ${styles.draftOffer}`}>
          <p>
            This browser kept unsaved code of the {name} from {DRAFT_TIME.format(new Date(draft.offered.savedAt))}.
          </p>
          <div className="actions">
            <button type="button" disabled={!editorReady} onClick={() => onDraftAnswer(true)}>
              Restore draft
            </button>
            <button type="button" className="secondary" onClick={() => onDraftAnswer(false)}>
              Discard draft
            </button>
          </div>
        </div>
      )}

      <div className={styles.workbench}>
        <section aria-labelledby="hook-code-title" className={`panel ${styles.codePanel}`}>
          <form ref={form} onSubmit={onSave} noValidate aria-labelledby="hook-code-title">
            <h2 id="hook-code-title">Code</h2>
            <FormAlert error={action.error} />
            <div className={styles.editorFrame}>
              <HookCodeEditor
                kind={kind}
                label={`Code of the ${name}`}
                annotation={props.annotation}
                declarations={props.declarations}
                initialCode={code}
                markers={markers}
                onChange={setCode}
                onReady={onEditorReady}
                onSaveShortcut={onSaveShortcut}
              />
            </div>
            <p id="hook-editor-keys" className={styles.editorHint}>
              In the editor, Tab indents. To leave it with the keyboard, press Ctrl+M (Ctrl+Shift+M on a Mac) so that Tab moves
              focus, then Tab. Ctrl+S (⌘S) saves a draft; only Deploy makes the code run.
            </p>
            <p className={styles.syntaxStatus} aria-live="polite" data-state={markers.length ? "error" : "ok"}>
              {syntaxStatus}
            </p>
            <div className={styles.saveRow}>
              <div className="field">
                <label htmlFor="hook-timeout">Timeout (ms)</label>
                <input
                  id="hook-timeout"
                  name="timeoutMs"
                  type="number"
                  inputMode="numeric"
                  min={50}
                  max={10000}
                  step={50}
                  value={timeoutMs}
                  onChange={(event) => setTimeoutMs(event.target.value)}
                  aria-invalid={timeoutError ? true : undefined}
                  aria-describedby={timeoutError ? "hook-timeout-error" : undefined}
                />
                {timeoutError && (
                  <span id="hook-timeout-error" className="field-error">
                    {timeoutError}
                  </span>
                )}
              </div>
              <label className={styles.checkbox}>
                <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
                Enabled
              </label>
              <div className={`field ${styles.noteField}`}>
                <label htmlFor="hook-note">Version note (optional)</label>
                <input
                  id="hook-note"
                  name="note"
                  maxLength={200}
                  value={note}
                  onChange={(event) => setNote(event.target.value)}
                  aria-invalid={noteError ? true : undefined}
                  aria-describedby={noteError ? "hook-note-error" : undefined}
                />
                {noteError && (
                  <span id="hook-note-error" className="field-error">
                    {noteError}
                  </span>
                )}
              </div>
              <div className="actions">
                <button type="submit" name="save" value="draft" className="secondary" disabled={action.pending}>
                  Save draft
                </button>
                {previewable && (
                  <button type="button" className="secondary" onClick={onPreview} disabled={impact.pending}>
                    Preview impact
                  </button>
                )}
                <button type="submit" name="save" value="deploy" disabled={action.pending}>
                  Deploy
                </button>
              </div>
            </div>
          </form>
        </section>

        <HookRunner kind={kind} code={code} timeoutMs={timeoutMs} sampleContext={props.sampleContext} />
      </div>

      {previewable && (
        <ImpactPreviewPanel
          name={name}
          pending={impact.pending}
          progress={impact.progress}
          error={impact.error}
          preview={preview?.result ?? null}
          stale={preview !== null && !previewedCode}
        />
      )}
      {previewable && props.evaluableAdmins && (
        <DraftEvaluation kind={kind as "filter" | "access" | "memberships" | "settings"} name={name} code={code} timeoutMs={timeoutMs} admins={props.evaluableAdmins} />
      )}
      <ConfirmDialog
        question={
          askDeploy
            ? {
                title: "Deploy without previewing its impact?",
                description: (
                  <p>
                    The impact of this code on the admins was not previewed{preview ? " since it changed" : ""}. Preview impact shows,
                    for each admin, the users they gain or lose and what they may newly do or no longer do.
                  </p>
                ),
                confirmLabel: "Deploy without preview",
              }
            : null
        }
        onAnswer={(confirmed) => {
          setAskDeploy(false);
          if (confirmed) save(false);
        }}
      />

      <HookVersions
        name={name}
        versions={props.versions}
        deployedVersion={deployedVersion}
        code={code}
        comparing={comparing}
        onCompare={setComparing}
        onRestore={onRestore}
        busy={action.pending}
      />
    </>
  );
}
