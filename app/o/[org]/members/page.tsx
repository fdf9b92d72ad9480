import { getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { listInvitations, listMembers } from "@/lib/services/members";
import { countMemberSessions } from "@/lib/services/sessions";
import { Card, PageHeader } from "@/components/ui/layout";
import { InviteForm, MembersTable, PendingInvitations } from "./members-client";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("members");
  const canManage = can(ctx, "members.manage");
  const members = await listMembers(ctx);
  const invites = canManage ? await listInvitations(ctx) : [];
  const sessionCounts = canManage ? await countMemberSessions(ctx) : null;
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { org: ctx.org.name })} />
      <div className="space-y-6">
        {canManage && (
          <Card title={t("invite")}>
            <InviteForm org={org} myRole={ctx.role} />
          </Card>
        )}
        <MembersTable
          org={org}
          orgName={ctx.org.name}
          me={ctx.actor.userId}
          myRole={ctx.role}
          canManage={canManage}
          members={members.map((m) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role, since: m.since.toISOString(), sessions: sessionCounts?.get(m.userId) ?? 0 }))}
        />
        {canManage && invites.length > 0 && (
          <Card title={t("pending")}>
            <PendingInvitations org={org} items={invites.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString() }))} />
          </Card>
        )}
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "members");
