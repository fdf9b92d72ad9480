"use client";
// Creating an organization (issue 20 item 1): from the first-run screen and /o/new. The slug follows the name until
// the person edits it; the server checks both again.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { createOrganizationAction } from "@/lib/actions/organizations";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";

/** The client's guess at the server's slug (lib/services/organizations.ts slugFromName), only as a suggestion. */
function suggestSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 35)
    .replace(/-+$/g, "");
}

export function CreateOrganizationForm() {
  const t = useTranslations("organizations");
  const router = useRouter();
  // It moves to the new organization on success: nothing here to refresh.
  const { pending, error, fieldErrors, run } = useOrgAction({ refresh: false });
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  return (
    <form
      className="space-y-4"
      data-testid="create-org-form"
      onSubmit={(e) => {
        e.preventDefault();
        run(() => createOrganizationAction({ name, slug: slug.trim() || undefined }), (d) => router.push(`/o/${d.slug}`));
      }}
    >
      <FormError message={fieldErrors.name || fieldErrors.slug ? undefined : error?.message} />
      <Field id="org-name" label={t("name")} error={fieldErrors.name}>
        <Input
          id="org-name"
          name="name"
          required
          maxLength={100}
          autoFocus
          value={name}
          aria-invalid={!!fieldErrors.name}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugEdited) setSlug(suggestSlug(e.target.value));
          }}
        />
      </Field>
      <Field id="org-slug" label={t("slug")} hint={t("slugHint")} error={fieldErrors.slug}>
        <Input
          id="org-slug"
          name="slug"
          maxLength={40}
          className="font-mono"
          value={slug}
          aria-describedby="org-slug-hint"
          aria-invalid={!!fieldErrors.slug}
          autoCapitalize="none"
          spellCheck={false}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugEdited(true);
          }}
        />
      </Field>
      <Button type="submit" variant="primary" disabled={pending || !name.trim()} data-testid="create-org-submit">
        {t("create")}
      </Button>
    </form>
  );
}
