"use client";
import { useNow, useTranslations } from "next-intl";
import { DateTime } from "@/components/ui/datetime";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { OneTimeSecret } from "@/components/ui/copy-button";
import { Badge, EmptyState, Table } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";
import { createTokenAction, revokeTokenAction } from "./actions";

type Token = { id: string; name: string; scope: "role" | "developer"; hint: string; userEmail: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null };

export function CreateTokenForm({ org, developerOnly }: { org: string; developerOnly: boolean }) {
  const t = useTranslations("tokens");
  const tc = useTranslations("common");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [created, setCreated] = useState<string | null>(null);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const days = String(fd.get("expiresInDays"));
        setCreated(null);
        run(
          () =>
            createTokenAction(org, {
              name: String(fd.get("name") ?? ""),
              expiresInDays: days === "none" ? null : Number(days),
              scope: developerOnly ? "developer" : (String(fd.get("scope")) as "role" | "developer"),
            }),
          (d) => setCreated(d.token),
        );
      }}
    >
      <FormError message={Object.keys(fieldErrors).length ? null : error?.message} />
      <div className="grid gap-3 sm:grid-cols-[1fr_10rem_10rem_auto] sm:items-end">
        <Field id="token-name" label={t("name")} error={fieldErrors.name}>
          <Input id="token-name" name="name" required maxLength={80} placeholder={t("namePlaceholder")} aria-invalid={!!fieldErrors.name} />
        </Field>
        <Field id="token-expiry" label={t("expiry")}>
          <Select id="token-expiry" name="expiresInDays" defaultValue="90">
            {[7, 30, 90, 365].map((d) => (
              <option key={d} value={d}>
                {t("days", { count: d })}
              </option>
            ))}
            <option value="none">{t("noExpiry")}</option>
          </Select>
        </Field>
        <Field id="token-scope" label={t("scope")}>
          <Select id="token-scope" name="scope" defaultValue={developerOnly ? "developer" : "role"} disabled={developerOnly}>
            {!developerOnly && <option value="role">{t("scopeRole")}</option>}
            <option value="developer">{t("scopeDeveloper")}</option>
          </Select>
        </Field>
        <Button type="submit" variant="primary" disabled={pending}>
          {t("create")}
        </Button>
      </div>
      {created && <OneTimeSecret label={t("token")} value={created} warning={t("warning")} copyLabel={tc("copy")} copiedLabel={tc("copied")} />}
    </form>
  );
}

export function TokensTable({ org, tokens }: { org: string; tokens: Token[] }) {
  const t = useTranslations("tokens");
  const tc = useTranslations("common");
  // The request's "now" (lib/i18n/request.ts), not the browser's clock: server HTML and hydration must agree.
  const now = useNow();
  const { pending, error, run } = useOrgAction();
  if (tokens.length === 0) return <EmptyState title={t("empty")} />;
  return (
    <div className="space-y-3">
      <FormError message={error?.message} />
      <Table caption={t("title")}>
        <thead>
          <tr>
            <th scope="col">{t("name")}</th>
            <th scope="col">{t("owner")}</th>
            <th scope="col">{t("scope")}</th>
            <th scope="col">{t("lastUsed")}</th>
            <th scope="col">{t("expires")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col"><span className="sr-only">{tc("actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((tok) => {
            const expired = tok.expiresAt && new Date(tok.expiresAt).getTime() <= now.getTime();
            return (
              <tr key={tok.id}>
                <td>
                  <div className="font-medium">{tok.name}</div>
                  <div className="font-mono text-xs text-muted-fg">{tok.hint}…</div>
                </td>
                <td className="text-xs">{tok.userEmail}</td>
                <td>{tok.scope === "developer" ? t("scopeDeveloper") : t("scopeRole")}</td>
                <td className="text-xs">{tok.lastUsedAt ? <DateTime value={tok.lastUsedAt} preset="relative" /> : tc("never")}</td>
                <td className="text-xs">{tok.expiresAt ? <DateTime value={tok.expiresAt} preset="dateTimeZone" /> : tc("never")}</td>
                <td>
                  {tok.revokedAt ? <Badge tone="danger">{t("revoked")}</Badge> : expired ? <Badge tone="warning">{t("expired")}</Badge> : <Badge tone="success">{t("active")}</Badge>}
                </td>
                <td className="text-right">
                  {!tok.revokedAt && (
                    <ConfirmButton
                      label={tc("revoke")}
                      title={t("revokeTitle", { name: tok.name })}
                      body={t("revokeBody")}
                      confirmLabel={tc("revoke")}
                      cancelLabel={tc("cancel")}
                      disabled={pending}
                      onConfirm={() => run(() => revokeTokenAction(org, { tokenId: tok.id }))}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </div>
  );
}
