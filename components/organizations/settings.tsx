"use client";
// The organization's own settings (issue 20 item 1): its name (owners, admins); its slug, a transfer of ownership and
// deletion (owners). The server checks every one again.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { changeOrganizationSlugAction, deleteOrganizationAction, renameOrganizationAction, transferOwnershipAction } from "@/lib/actions/organizations";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";

export function RenameOrganizationForm({ org, name }: { org: string; name: string }) {
  const t = useTranslations("organizations");
  const ts = useTranslations("settings");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [value, setValue] = useState(name);
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        run(() => renameOrganizationAction(org, { name: value }), () => setSaved(true));
      }}
    >
      <FormError message={fieldErrors.name ? undefined : error?.message} />
      <Field id="org-rename" label={ts("orgName")} error={fieldErrors.name}>
        <Input id="org-rename" name="name" required maxLength={100} value={value} onChange={(e) => (setValue(e.target.value), setSaved(false))} data-testid="org-name-input" />
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" size="sm" disabled={pending || value.trim() === name || !value.trim()} data-testid="org-rename-save">
          {t("rename")}
        </Button>
        <span aria-live="polite" className="text-sm text-muted-fg">
          {saved ? t("saved") : ""}
        </span>
      </div>
    </form>
  );
}

export function ChangeSlugForm({ org }: { org: string }) {
  const t = useTranslations("organizations");
  const router = useRouter();
  // It moves to the new address on success: nothing here to refresh.
  const { pending, error, fieldErrors, run } = useOrgAction({ refresh: false });
  const [value, setValue] = useState(org);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => changeOrganizationSlugAction(org, { slug: value.trim() }), (d) => router.replace(`/o/${d.slug}/settings`));
      }}
    >
      <FormError message={fieldErrors.slug ? undefined : error?.message} />
      <Field id="org-slug-change" label={t("slug")} hint={t("slugChangeHint")} error={fieldErrors.slug ?? (error?.code === "conflict" ? error.message : undefined)}>
        <Input
          id="org-slug-change"
          name="slug"
          required
          maxLength={40}
          className="font-mono"
          value={value}
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby="org-slug-change-hint"
          onChange={(e) => setValue(e.target.value)}
          data-testid="org-slug-input"
        />
      </Field>
      <Button type="submit" size="sm" disabled={pending || value.trim() === org || !value.trim()} data-testid="org-slug-save">
        {t("changeSlug")}
      </Button>
    </form>
  );
}

type Candidate = { userId: string; email: string; name: string; role: string };

export function TransferOwnershipForm({ org, candidates }: { org: string; candidates: Candidate[] }) {
  const t = useTranslations("organizations");
  const tr = useTranslations("roles");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  if (candidates.length === 0) return <p className="text-sm text-muted-fg">{t("noCandidates")}</p>;
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => transferOwnershipAction(org, { userId, password: password || undefined }), () => setPassword(""));
      }}
    >
      <p className="text-sm text-muted-fg">{t("transferHint")}</p>
      <FormError message={fieldErrors.password ? undefined : error?.message} />
      <Field id="transfer-to" label={t("transferTo")}>
        <Select id="transfer-to" name="userId" required value={userId} onChange={(e) => setUserId(e.target.value)} data-testid="transfer-to">
          <option value="">{t("transferChoose")}</option>
          {candidates.map((c) => (
            <option key={c.userId} value={c.userId}>
              {c.email} ({tr(c.role)})
            </option>
          ))}
        </Select>
      </Field>
      <Field id="transfer-password" label={t("password")} hint={t("passwordHint")} error={fieldErrors.password}>
        <Input id="transfer-password" name="password" type="password" autoComplete="current-password" value={password} aria-describedby="transfer-password-hint" onChange={(e) => setPassword(e.target.value)} data-testid="transfer-password" />
      </Field>
      <Button type="submit" size="sm" variant="danger" disabled={pending || !userId} data-testid="transfer-submit">
        {t("transfer")}
      </Button>
    </form>
  );
}

export function DeleteOrganizationForm({ org }: { org: string }) {
  const t = useTranslations("organizations");
  const router = useRouter();
  // It leaves the page on success: nothing here to refresh.
  const { pending, error, fieldErrors, run } = useOrgAction({ refresh: false });
  const [confirm, setConfirm] = useState("");
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => deleteOrganizationAction(org, { confirmSlug: confirm }), () => router.replace("/o"));
      }}
    >
      <p className="text-sm text-muted-fg">{t("deleteHint")}</p>
      <FormError message={fieldErrors.confirmSlug ? undefined : error?.message} />
      <Field id="delete-confirm" label={t("deleteConfirm", { slug: org })} error={fieldErrors.confirmSlug}>
        <Input id="delete-confirm" aria-invalid={!!fieldErrors.confirmSlug} name="confirmSlug" className="font-mono" autoComplete="off" autoCapitalize="none" spellCheck={false} value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="delete-confirm" />
      </Field>
      <Button type="submit" size="sm" variant="danger" disabled={pending || confirm.trim() !== org} data-testid="delete-submit">
        {t("delete")}
      </Button>
    </form>
  );
}
