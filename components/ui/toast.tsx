"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";

/** How long a result stays on screen (paused while the pointer or focus is on it). */
export const TOAST_DURATION_MS = 8000;

/** A warning (something was not done as asked) stays until it is dismissed. */
type ShowToast = (message: string, options?: { warning?: boolean }) => void;

const ToastContext = createContext<ShowToast>(() => {});

/** Shows an action's result in the console's one toast region. */
export function useToast(): ShowToast {
  return useContext(ToastContext);
}

/**
 * The console's one live region for results ("User created.", "Saved as version 3."). A new result
 * replaces the previous one instead of piling up; it is dismissed after TOAST_DURATION_MS unless the
 * pointer or keyboard focus is on it or it is a warning, or with its Dismiss button. The region sits in the layout, so a
 * result shown just before a navigation is still read out on the next page.
 */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toast, setToast] = useState<{ id: number; message: string; warning: boolean } | null>(null);
  const [held, setHeld] = useState(false);
  const sequence = useRef(0);

  const show = useCallback<ShowToast>((message, options) => {
    sequence.current += 1;
    setToast({ id: sequence.current, message, warning: options?.warning ?? false });
  }, []);

  useEffect(() => {
    if (!toast || toast.warning || held) return;
    const timer = setTimeout(() => setToast(null), TOAST_DURATION_MS);
    return () => clearTimeout(timer);
  }, [toast, held]);

  return (
    <ToastContext value={show}>
      {children}
      <div
        role="status"
        aria-label="Notifications"
        className="toasts"
        onPointerEnter={() => setHeld(true)}
        onPointerLeave={() => setHeld(false)}
        onFocus={() => setHeld(true)}
        onBlur={() => setHeld(false)}
      >
        {toast && (
          <div className="toast" data-warning={toast.warning || undefined} key={toast.id}>
            <span>{toast.message}</span>
            {/* The × is drawn by CSS, so that the region's text is the message alone. */}
            <button type="button" className="toast-dismiss" aria-label="Dismiss" onClick={() => setToast(null)} />
          </div>
        )}
      </div>
    </ToastContext>
  );
}
