"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { Role, VersionStatus } from "@/db/enums";
import type { CollaboratorJson, MiniProgramCategory } from "@/lib/services/mini-programs";
import { Button, ButtonLink } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/form";
import { Badge } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";
import { InspectionReport } from "@/components/mini-programs/inspection-report";
import { VersionStatusBadge } from "@/components/mini-programs/status-badge";
import { UploadZone, type UploadOutcome } from "@/components/mini-programs/upload-zone";
import { addCollaboratorAction, removeCollaboratorAction, submitVersionAction, updateMiniProgramAction } from "../actions";

type Category = { value: MiniProgramCategory; label: string };

export function EditMiniProgram({ org, appId, initial, categories }: { org: string; appId: string; initial: { name: string; category: string; description: string }; categories: Category[] }) {
  const t = useTranslations("miniPrograms");
  const tc = useTranslations("common");
  const router = useRouter();
  const base = `/o/${org}/mini-programs/${appId}`;
  const { pending, error, fieldErrors, run } = useOrgAction();
  return (
    <form
      className="space-y-3 rounded-lg border border-border bg-card p-4"
      aria-label={t("editTitle", { name: initial.name })}
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        run(
          () =>
            updateMiniProgramAction(org, {
              appId,
              patch: {
                name: String(fd.get("name") ?? ""),
                category: String(fd.get("category")) as MiniProgramCategory,
                description: String(fd.get("description") ?? ""),
              },
            }),
          () => router.replace(base, { scroll: false }),
        );
      }}
    >
      <h2 className="text-sm font-semibold">{t("editTitle", { name: initial.name })}</h2>
      <FormError message={Object.keys(fieldErrors).length ? null : error?.message} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="edit-name" label={t("name")} error={fieldErrors["patch.name"]}>
          <Input id="edit-name" name="name" required autoFocus maxLength={80} defaultValue={initial.name} />
        </Field>
        <Field id="edit-category" label={t("category")}>
          <Select id="edit-category" name="category" defaultValue={initial.category}>
            {categories.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:col-span-2">
          <Field id="edit-description" label={t("descriptionLabel")} error={fieldErrors["patch.description"]}>
            <Textarea id="edit-description" name="description" rows={2} maxLength={2000} defaultValue={initial.description} />
          </Field>
        </div>
      </div>
      <div className="flex justify-end gap-2">
        <ButtonLink href={base} scroll={false}>
          {tc("cancel")}
        </ButtonLink>
        <Button type="submit" variant="primary" disabled={pending}>
          {tc("save")}
        </Button>
      </div>
    </form>
  );
}

export function UploadPanel({ org, appId, maxBytes }: { org: string; appId: string; maxBytes: number }) {
  const t = useTranslations("miniPrograms");
  const tc = useTranslations("common");
  const router = useRouter();
  const [outcome, setOutcome] = useState<UploadOutcome | null>(null);
  const [status, setStatus] = useState<VersionStatus>("draft");
  const { pending, error, run } = useOrgAction();
  const resultRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) resultRef.current?.focus();
  }, [outcome]);
  const base = `/o/${org}/mini-programs/${appId}`;
  return (
    <div className="space-y-4">
      <UploadZone
        uploadUrl={`${base}/upload`}
        maxBytes={maxBytes}
        onOutcome={(o) => {
          setOutcome(o);
          setStatus("draft");
          if (o.kind === "accepted") router.refresh();
        }}
      />
      {outcome && (
        <div className="space-y-4" data-testid="upload-result" data-outcome={outcome.kind}>
          {outcome.kind === "accepted" ? (
            // Focus moves to the verdict so keyboard users land on the result; the banner is its own indicator.
            <div ref={resultRef} tabIndex={-1} style={{ outline: "none" }} className="flex flex-col gap-3 rounded-md border border-success/40 bg-success-bg p-3 sm:flex-row sm:items-center sm:justify-between" role="status">
              <div className="flex flex-wrap items-center gap-2 text-sm font-medium text-success">
                {status === "draft" ? t("upload.accepted", { version: outcome.version.version }) : t("upload.submitted", { version: outcome.version.version })}
                <VersionStatusBadge status={status} />
              </div>
              <div className="flex flex-wrap gap-2">
                {status === "draft" && (
                  <Button
                    variant="primary"
                    size="sm"
                    disabled={pending}
                    data-testid="submit-uploaded"
                    onClick={() => run(() => submitVersionAction(org, { versionId: outcome.version.id }), (d) => setStatus(d.status))}
                  >
                    {t("upload.submitNow")}
                  </Button>
                )}
                <Link href={`${base}/versions/${outcome.version.id}`} className="inline-flex h-8 items-center rounded-md border border-border bg-card px-2.5 text-sm font-medium hover:bg-muted">
                  {t("upload.openVersion")}
                </Link>
              </div>
            </div>
          ) : (
            <div ref={resultRef} tabIndex={-1} style={{ outline: "none" }} role="alert" className="rounded-md border border-danger/40 bg-danger-bg p-3 text-sm font-medium text-danger">
              {t("upload.rejected")}
            </div>
          )}
          <FormError message={error?.message} />
          <InspectionReport inspection={outcome.inspection} copyLabel={tc("copy")} copiedLabel={tc("copied")} />
        </div>
      )}
    </div>
  );
}

export function CollaboratorsPanel({
  org,
  appId,
  canManage,
  collaborators,
  candidates,
}: {
  org: string;
  appId: string;
  canManage: boolean;
  collaborators: CollaboratorJson[];
  candidates: { email: string; name: string }[];
}) {
  const t = useTranslations("miniPrograms.collaborators");
  const tr = useTranslations("roles");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { pending, error, run } = useOrgAction();
  const [email, setEmail] = useState("");
  return (
    <div className="space-y-4">
      <p className="text-sm text-muted-fg">{t("description")}</p>
      <FormError message={error?.message} />
      {collaborators.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("empty")}</p>
      ) : (
        <ul className="divide-y divide-border" data-testid="collaborators">
          {collaborators.map((c) => (
            <li key={c.userId} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0">
                <div className="truncate text-sm font-medium">
                  {c.name} <span className="font-normal text-muted-fg">· {c.email}</span>
                </div>
                <div className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-muted-fg">
                  {c.role ? <Badge>{tr(c.role as Role)}</Badge> : <Badge tone="warning">{t("formerMember")}</Badge>}
                  <span>{t("addedAt", { date: format.dateTime(new Date(c.addedAt), "date") })}</span>
                </div>
              </div>
              {canManage && (
                <ConfirmButton
                  label={tc("remove")}
                  title={t("removeTitle", { email: c.email })}
                  body={t("removeBody")}
                  confirmLabel={tc("remove")}
                  cancelLabel={tc("cancel")}
                  disabled={pending}
                  onConfirm={() => run(() => removeCollaboratorAction(org, { appId, userId: c.userId }))}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage &&
        (candidates.length === 0 ? (
          <p className="text-xs text-muted-fg">{t("noCandidates")}</p>
        ) : (
          <form
            className="flex flex-col gap-2 sm:flex-row sm:items-end"
            onSubmit={(e) => {
              e.preventDefault();
              if (email) run(() => addCollaboratorAction(org, { appId, email }), () => setEmail(""));
            }}
          >
            <div className="flex-1">
              <Field id="collaborator-email" label={t("member")}>
                <Select id="collaborator-email" value={email} onChange={(e) => setEmail(e.target.value)} required>
                  <option value="">{t("choose")}</option>
                  {candidates.map((c) => (
                    <option key={c.email} value={c.email}>
                      {c.name} ({c.email})
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <Button type="submit" disabled={pending || !email}>
              {t("add")}
            </Button>
          </form>
        ))}
    </div>
  );
}
