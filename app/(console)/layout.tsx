import { Suspense } from "react";
import { ConsoleNav } from "@/components/layout/console-nav";
import { FocusManager } from "@/components/layout/focus-manager";
import { ProgressBar } from "@/components/layout/progress-bar";
import { ToastProvider } from "@/components/ui/toast";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { DEFAULT_CONSOLE_SETTINGS, getConsoleSettings, safeCss, stylesheetUrl } from "@/lib/hooks/console-settings";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  let settings = DEFAULT_CONSOLE_SETTINGS;
  let settingsError: string | null = null;
  try {
    settings = await getConsoleSettings(actor);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    settingsError = error.message;
  }
  const links = [
    { href: "/users", label: settings.dict.menuName ?? "Users" },
    ...(can(actor, "logs:read") ? [{ href: "/logs", label: "Logs" }] : []),
    ...(can(actor, "access:evaluate") ? [{ href: "/access", label: "Evaluate access" }] : []),
    ...(can(actor, "config:manage") ? [{ href: "/hooks", label: "Hooks" }] : []),
    ...(can(actor, "config:manage") ? [{ href: "/webhooks", label: "Webhooks" }] : []),
    ...(can(actor, "config:manage") ? [{ href: "/mail", label: "Mail" }] : []),
    ...(can(actor, "config:manage") ? [{ href: "/settings/api-tokens", label: "API tokens" }] : []),
    ...(can(actor, "config:manage") ? [{ href: "/settings/applications", label: "Applications" }] : []),
  ];
  return (
    <ToastProvider>
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <Suspense>
        <ProgressBar />
      </Suspense>
      <FocusManager />
      <div className="shell">
        {settings.css &&
          (stylesheetUrl(settings.css) ? (
            <link rel="stylesheet" href={stylesheetUrl(settings.css) ?? undefined} />
          ) : (
            <style>{safeCss(settings.css)}</style>
          ))}
        <ConsoleNav title={settings.dict.title ?? "Delegate"} links={links} email={actor.email} roles={actor.roles} />
        <main id="main" tabIndex={-1} className="content">
          {settingsError && (
            <div role="alert" className="alert">
              The Settings Query Hook failed, so the console uses its default settings: {settingsError}
            </div>
          )}
          {children}
        </main>
      </div>
    </ToastProvider>
  );
}
