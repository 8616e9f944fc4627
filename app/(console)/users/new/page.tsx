import { CreateUserForm } from "@/components/users/create-user-form";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { Forbidden } from "@/components/ui/notice";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/connections";
import { membershipOptionsForForm } from "@/lib/departments/memberships";
import { DomainError } from "@/lib/errors";
import { formUserFields } from "@/lib/hooks/console-settings";
import { pageViewId } from "@/lib/http/page-view";
import { consoleSettingsForPage } from "@/lib/hooks/page-settings";
import { consoleTexts } from "@/lib/hooks/console-texts";

export const metadata = { title: "Create user · Users · Delegate" };

export default async function NewUserPage() {
  const actor = await requireSessionActor();
  if (!can(actor, "users:write")) {
    return <Forbidden title="Create user" message="Your role does not allow creating users." />;
  }
  const [allConnections, memberships, settings] = await Promise.all([
    listConnections({ databaseOnly: true }),
    membershipOptionsForForm(actor),
    consoleSettingsForPage(actor, await pageViewId()).catch((error: unknown) => {
      if (error instanceof DomainError) return error;
      throw error;
    }),
  ]);
  // Creating follows the Settings Query Hook's rules: without its answer there is no form (the layout says why).
  if (settings instanceof DomainError) {
    return <Forbidden title="Create user" message={`Users cannot be created while the Settings Query Hook fails: ${settings.message}`} />;
  }
  const texts = consoleTexts(settings.languageDictionary);
  if (!settings.canCreateUser) {
    return <Forbidden title="Create user" message="Creating users is turned off for your account (Settings Query Hook)." />;
  }
  const connections = settings.connections
    ? allConnections.filter((connection) => settings.connections?.includes(connection.name))
    : allConnections;
  if (connections.length === 0) {
    return (
      <>
        <h1>{texts.createDialogTitle}</h1>
        <div role="alert" className="alert">
          There is no enabled database connection to create users in. An Administrator must enable one first.
        </div>
      </>
    );
  }
  return (
    <>
      <Breadcrumbs parents={[{ href: "/users", label: texts.usersTitle }]} current={texts.createDialogTitle} />
      <h1>{texts.createDialogTitle}</h1>
      <CreateUserForm
        connections={connections.map((c) => ({
          name: c.name,
          requiresUsername: c.requiresUsername,
          passwordMinLength: c.passwordMinLength,
          passwordMinCharClasses: c.passwordMinCharClasses,
        }))}
        memberships={memberships.memberships}
        createMemberships={memberships.createMemberships}
        membershipsError={memberships.error}
        membershipsLabel={settings.dict.memberships ?? "Memberships"}
        userFields={formUserFields(settings, "create")}
        declaredFieldsOnly={settings.userFields.length > 0}
        texts={{ submit: texts.createButtonText, pending: texts.savingText, cancel: texts.cancelButtonText }}
      />
    </>
  );
}
