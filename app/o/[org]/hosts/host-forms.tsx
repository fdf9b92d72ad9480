"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { HostPlatform } from "@/db/enums";
import { Button, ButtonLink } from "@/components/ui/button";
import { CopyButton, OneTimeSecret } from "@/components/ui/copy-button";
import { FormError } from "@/components/ui/form";
import { Card } from "@/components/ui/layout";
import { HostFields, hostFieldsShowError, type HostFieldValues } from "@/components/hosts/host-fields";
import { toRows } from "@/components/hosts/platform-rows";
import { useOrgAction } from "@/components/use-org-action";
import { createHostAction, updateHostDetailsAction } from "./actions";

const platformsOf = (v: HostFieldValues): HostPlatform[] => v.rows.map(({ platform, identifier }) => ({ platform, identifier }));
/** An empty field means no scheme. */
const schemeOf = (v: HostFieldValues): string | null => v.urlScheme.trim() || null;

type Created = { id: string; name: string; sdkKey: string; sdkSecret: string };

export function CreateHostForm({ org }: { org: string }) {
  const t = useTranslations("hosts");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  const [value, setValue] = useState<HostFieldValues>({ name: "", description: "", rows: toRows([{ platform: "ios", identifier: "" }]), urlScheme: "" });
  const [created, setCreated] = useState<Created | null>(null);

  if (created) return <CreatedCredentials org={org} created={created} />;
  return (
    <Card>
      <form
        className="space-y-5"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          run(() => createHostAction(org, { name: value.name, description: value.description, platforms: platformsOf(value), urlScheme: schemeOf(value) }), setCreated);
        }}
      >
        <FormError message={hostFieldsShowError(error) ? null : error?.message} />
        <HostFields idPrefix="new-host" value={value} onChange={setValue} error={error} disabled={pending} />
        <p className="text-xs text-muted-fg">{t("new.policyNote")}</p>
        <div className="flex flex-wrap gap-2 border-t border-border pt-4">
          <Button type="submit" variant="primary" disabled={pending}>
            {t("new.submit")}
          </Button>
          <ButtonLink href={`/o/${org}/hosts`} variant="ghost">
            {tc("cancel")}
          </ButtonLink>
        </div>
      </form>
    </Card>
  );
}

function CreatedCredentials({ org, created }: { org: string; created: Created }) {
  const t = useTranslations("hosts");
  const tc = useTranslations("common");
  return (
    <Card title={t("new.createdTitle", { name: created.name })}>
      <div className="space-y-4" data-testid="host-created">
        <p className="text-sm text-muted-fg">{t("new.createdBody")}</p>
        <div className="space-y-1">
          <div className="text-xs font-medium text-muted-fg">{t("new.keyLabel")}</div>
          <div className="flex items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1.5 font-mono text-sm" data-testid="sdk-key">
              {created.sdkKey}
            </code>
            <CopyButton value={created.sdkKey} label={tc("copy")} copiedLabel={tc("copied")} />
          </div>
        </div>
        <OneTimeSecret label={t("new.secretLabel")} value={created.sdkSecret} warning={t("new.secretWarning")} copyLabel={tc("copy")} copiedLabel={tc("copied")} />
        <ButtonLink href={`/o/${org}/hosts/${created.id}`} variant="primary">
          {t("new.openHost")}
        </ButtonLink>
      </div>
    </Card>
  );
}

export function EditHostDetailsForm({ org, host }: { org: string; host: { id: string; name: string; description: string; platforms: HostPlatform[]; urlScheme: string | null } }) {
  const t = useTranslations("hosts");
  const { pending, error, run } = useOrgAction();
  const [value, setValue] = useState<HostFieldValues>({ name: host.name, description: host.description, rows: toRows(host.platforms), urlScheme: host.urlScheme ?? "" });
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="space-y-5"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        run(
          () => updateHostDetailsAction(org, { hostId: host.id, name: value.name, description: value.description, platforms: platformsOf(value), urlScheme: schemeOf(value) }),
          (stored) => {
            // Show what was stored, in its canonical spelling (a web origin lower-cased, say).
            setValue({ name: stored.name, description: stored.description, rows: toRows(stored.platforms), urlScheme: stored.urlScheme ?? "" });
            setSaved(true);
          },
        );
      }}
    >
      <FormError message={hostFieldsShowError(error) ? null : error?.message} />
      <HostFields idPrefix="edit-host" value={value} onChange={(v) => {
          setValue(v);
          setSaved(false);
        }} error={error} disabled={pending} />
      <div className="flex flex-wrap items-center gap-3 border-t border-border pt-4">
        <Button type="submit" variant="primary" disabled={pending}>
          {t("overview.save")}
        </Button>
        <span role="status" className="text-sm text-success">
          {saved ? t("saved") : ""}
        </span>
      </div>
    </form>
  );
}
