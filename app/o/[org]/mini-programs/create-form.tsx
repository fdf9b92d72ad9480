"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import type { MiniProgramCategory } from "@/lib/services/mini-programs";
import { Button, ButtonLink } from "@/components/ui/button";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/form";
import { Card } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";
import { createMiniProgramAction } from "./actions";

type Category = { value: MiniProgramCategory; label: string };

export function CreateMiniProgram({ org, categories }: { org: string; categories: Category[] }) {
  const t = useTranslations("miniPrograms");
  const tc = useTranslations("common");
  const router = useRouter();
  const { pending, error, fieldErrors, run } = useOrgAction();
  // A conflict is about the appId: show it there.
  const appIdError = fieldErrors.appId ?? (error?.code === "conflict" ? [error.message] : undefined);
  return (
    <Card title={t("createTitle")} className="mb-6">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const fd = new FormData(e.currentTarget);
          run(
            () =>
              createMiniProgramAction(org, {
                appId: String(fd.get("appId") ?? ""),
                name: String(fd.get("name") ?? ""),
                category: String(fd.get("category") ?? "other") as MiniProgramCategory,
                description: String(fd.get("description") ?? ""),
              }),
            (d) => router.push(`/o/${org}/mini-programs/${d.appId}`),
          );
        }}
      >
        <FormError message={Object.keys(fieldErrors).length || error?.code === "conflict" ? null : error?.message} />
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id="mp-app-id" label={t("appId")} hint={t("appIdHint")} error={appIdError}>
            <Input id="mp-app-id" name="appId" required autoFocus maxLength={100} placeholder="com.example.coupons" autoComplete="off" spellCheck={false} className="font-mono" aria-invalid={!!appIdError} aria-describedby={appIdError ? "mp-app-id-error" : "mp-app-id-hint"} />
          </Field>
          <Field id="mp-name" label={t("name")} error={fieldErrors.name}>
            <Input id="mp-name" name="name" required maxLength={80} placeholder={t("namePlaceholder")} aria-invalid={!!fieldErrors.name} />
          </Field>
          <Field id="mp-category" label={t("category")} error={fieldErrors.category}>
            <Select id="mp-category" name="category" defaultValue="other">
              {categories.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="mp-description" label={t("descriptionLabel")} error={fieldErrors.description}>
            <Textarea id="mp-description" name="description" rows={2} maxLength={2000} placeholder={t("descriptionPlaceholder")} />
          </Field>
        </div>
        <div className="flex justify-end gap-2">
          <ButtonLink href={`/o/${org}/mini-programs`} scroll={false}>
            {tc("cancel")}
          </ButtonLink>
          <Button type="submit" variant="primary" disabled={pending}>
            {t("createSubmit")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
