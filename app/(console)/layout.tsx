import { cookies } from "next/headers";
import { Suspense } from "react";
import { ConsoleNav } from "@/components/layout/console-nav";
import { FocusManager } from "@/components/layout/focus-manager";
import { ProgressBar } from "@/components/layout/progress-bar";
import { ToastProvider } from "@/components/ui/toast";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { DEFAULT_CONSOLE_SETTINGS, safeCss, stylesheetUrl } from "@/lib/hooks/console-settings";
import { pageViewId } from "@/lib/http/page-view";
import { consoleSettingsForPage, type PageConsoleSettings } from "@/lib/hooks/page-settings";
import { consoleTexts } from "@/lib/hooks/console-texts";
import { ALTERNATIVE_STYLE, STYLE_COOKIE } from "@/components/layout/style-cookie";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  let settings: PageConsoleSettings = DEFAULT_CONSOLE_SETTINGS;
  let settingsError: string | null = null;
  try {
    settings = await consoleSettingsForPage(actor, await pageViewId());
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    settingsError = error.message;
  }
  const texts = consoleTexts(settings.languageDictionary);
  // DAE's style toggle: with both `css` and `altcss`, the admin's choice (a cookie) picks one.
  const toggle = Boolean(settings.css && settings.altcss);
  const alternative = toggle && (await cookies()).get(STYLE_COOKIE)?.value === ALTERNATIVE_STYLE;
  const css = alternative ? settings.altcss : settings.css;
  const sheet = stylesheetUrl(css);
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
        {sheet ? <link rel="stylesheet" href={sheet} id="custom_css" /> : css && <style>{safeCss(css)}</style>}
        <ConsoleNav
          title={settings.dict.title ?? "Delegate"}
          links={links}
          email={actor.email}
          roles={actor.roles}
          signOutText={texts.logoutMenuItemText}
          logoutUrl={settings.dict.logoutUrl}
          styleToggle={
            toggle ? { alternative, label: alternative ? texts.toggleStyleSetDefault : texts.toggleStyleSetAlternative } : undefined
          }
        />
        <main id="main" tabIndex={-1} className="content">
          {settingsError && (
            <div role="alert" className="alert">
              The Settings Query Hook failed, so the console uses its default settings: {settingsError}
            </div>
          )}
          {settings.languageDictionaryProblem && (
            <div role="alert" className="alert">
              {settings.languageDictionaryProblem}
            </div>
          )}
          {children}
        </main>
      </div>
    </ToastProvider>
  );
}
