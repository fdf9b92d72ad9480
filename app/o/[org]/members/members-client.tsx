"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { ROLES, type Role } from "@/db/enums";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { OneTimeSecret } from "@/components/ui/copy-button";
import { Badge, Table } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";
import { changeRoleAction, endMemberSessionsAction, inviteMemberAction, issueResetLinkAction, removeMemberAction, revokeInvitationAction } from "./actions";

type Member = { userId: string; email: string; name: string; role: Role; since: string; sessions: number };

/** Roles the current member may hand out: only owners make owners. */
function grantable(myRole: Role): readonly Role[] {
  return myRole === "owner" ? ROLES : ROLES.filter((r) => r !== "owner");
}

export function MembersTable({ org, orgName, members, me, myRole, canManage }: { org: string; orgName: string; members: Member[]; me: string; myRole: Role; canManage: boolean }) {
  const t = useTranslations("members");
  const ts = useTranslations("sessions");
  const tr = useTranslations("roles");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { pending, error, run } = useOrgAction();
  const [resetLink, setResetLink] = useState<{ email: string; link: string; expiresAt: string } | null>(null);
  return (
    <div className="space-y-3">
      <FormError message={error?.message} />
      {resetLink && (
        <div className="space-y-2 rounded-md border border-border p-3" data-testid="reset-link-created">
          <p className="text-sm">{t("resetLinkCreated", { email: resetLink.email, time: format.dateTime(new Date(resetLink.expiresAt), { hour: "numeric", minute: "2-digit" }) })}</p>
          <OneTimeSecret label={t("resetLink")} value={resetLink.link} warning={t("resetLinkWarning")} copyLabel={tc("copy")} copiedLabel={tc("copied")} />
        </div>
      )}
      <Table caption={t("title")}>
        <thead>
          <tr>
            <th scope="col">{t("name")}</th>
            <th scope="col">{t("email")}</th>
            <th scope="col">{t("role")}</th>
            <th scope="col">{t("since")}</th>
            {canManage && <th scope="col"><span className="sr-only">{tc("actions")}</span></th>}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const editable = canManage && m.userId !== me && (m.role !== "owner" || myRole === "owner");
            return (
              <tr key={m.userId} data-testid={`member-${m.email}`}>
                <td className="font-medium">
                  {m.name} {m.userId === me && <Badge>{t("you")}</Badge>}
                </td>
                <td>{m.email}</td>
                <td>
                  {editable ? (
                    <Select
                      aria-label={t("changeRole", { email: m.email })}
                      value={m.role}
                      disabled={pending}
                      className="w-36"
                      onChange={(e) => run(() => changeRoleAction(org, { userId: m.userId, role: e.target.value as Role }))}
                    >
                      {grantable(myRole).map((r) => (
                        <option key={r} value={r}>
                          {tr(r)}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    tr(m.role)
                  )}
                </td>
                <td className="text-xs text-muted-fg">{format.dateTime(new Date(m.since), "date")}</td>
                {canManage && (
                  <td className="text-right">
                    {editable && (
                      <div className="flex items-center justify-end gap-2">
                        <span className="text-xs text-muted-fg" data-testid="member-sessions">
                          {ts("memberSessions", { count: m.sessions })}
                        </span>
                        {m.sessions > 0 && (
                          <ConfirmButton
                            label={ts("endSessions")}
                            title={ts("endSessionsTitle", { email: m.email })}
                            body={ts("endSessionsBody")}
                            confirmLabel={ts("endSessions")}
                            cancelLabel={tc("cancel")}
                            disabled={pending}
                            onConfirm={() => run(() => endMemberSessionsAction(org, { userId: m.userId }))}
                          />
                        )}
                      <ConfirmButton
                        label={t("resetPassword")}
                        variant="secondary"
                        title={t("resetPasswordTitle", { email: m.email })}
                        body={t("resetPasswordBody")}
                        confirmLabel={t("resetPasswordConfirm")}
                        cancelLabel={tc("cancel")}
                        disabled={pending}
                        onConfirm={() =>
                          run(
                            () => issueResetLinkAction(org, { userId: m.userId }),
                            (data) => setResetLink({ email: m.email, link: `${window.location.origin}${data.path}`, expiresAt: data.expiresAt }),
                          )
                        }
                      />
                      <ConfirmButton
                        label={tc("remove")}
                        title={t("removeTitle", { email: m.email })}
                        body={t("removeBody", { org: orgName })}
                        confirmLabel={tc("remove")}
                        cancelLabel={tc("cancel")}
                        disabled={pending}
                        onConfirm={() => run(() => removeMemberAction(org, { userId: m.userId }))}
                      />
                      </div>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </Table>
    </div>
  );
}

export function InviteForm({ org, myRole }: { org: string; myRole: Role }) {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [created, setCreated] = useState<{ link: string; email: string; role: Role; expiresAt: string } | null>(null);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const email = String(fd.get("email") ?? "");
        const role = String(fd.get("role") ?? "developer") as Role;
        setCreated(null);
        run(
          () => inviteMemberAction(org, { email, role }),
          (data) => setCreated({ link: `${window.location.origin}/invite/${data.token}`, email, role, expiresAt: data.expiresAt }),
        );
      }}
    >
      <FormError message={Object.keys(fieldErrors).length ? null : error?.message} />
      <div className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
        <Field id="invite-email" label={t("email")} error={fieldErrors.email}>
          <Input id="invite-email" name="email" type="email" required aria-invalid={!!fieldErrors.email} aria-describedby={fieldErrors.email ? "invite-email-error" : undefined} />
        </Field>
        <Field id="invite-role" label={t("role")}>
          <Select id="invite-role" name="role" defaultValue="developer">
            {grantable(myRole).map((r) => (
              <option key={r} value={r}>
                {tr(r)}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" disabled={pending}>
          {t("inviteButton")}
        </Button>
      </div>
      {created && (
        <div className="space-y-2">
          <p className="text-sm" role="status">
            {t("inviteCreated", { email: created.email, date: format.dateTime(new Date(created.expiresAt), "date") })}
          </p>
          <OneTimeSecret label={t("inviteLink")} value={created.link} warning={t("inviteWarning", { role: tr(created.role) })} copyLabel={tc("copy")} copiedLabel={tc("copied")} />
        </div>
      )}
    </form>
  );
}

export function PendingInvitations({ org, items }: { org: string; items: { id: string; email: string; role: Role; expiresAt: string }[] }) {
  const t = useTranslations("members");
  const tr = useTranslations("roles");
  const format = useFormatter();
  const { pending, error, run } = useOrgAction();
  return (
    <div className="space-y-2">
      <FormError message={error?.message} />
      <ul className="divide-y divide-border text-sm">
        {items.map((i) => (
          <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              {i.email} · {tr(i.role)} · <span className="text-muted-fg">{t("expires")} {format.dateTime(new Date(i.expiresAt), "date")}</span>
            </span>
            <Button size="sm" disabled={pending} onClick={() => run(() => revokeInvitationAction(org, { invitationId: i.id }))}>
              {t("revokeInvite")}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
