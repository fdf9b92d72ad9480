"use client";
// The "Listing and privacy" card of a mini-program's page: icon, screenshots and the privacy declaration, for
// those who may write the mini-program. Images go to the server base64-encoded; the server checks their bytes.
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FormError, Select, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import type { PrivacyRow } from "@/db/schema";
import type { ListingJson, MediaJson } from "@/lib/services/listing";
import { addListingImageAction, removeListingImageAction, setPrivacyDeclarationAction } from "../actions";

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export const listingImageUrl = (org: string, appId: string, m: MediaJson) => `/o/${org}/mini-programs/${appId}/listing/${m.id}`;

function ImagePicker({ id, label, disabled, onFile }: { id: string; label: string; disabled: boolean; onFile: (f: File) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={ref}
        id={id}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        className="sr-only"
        aria-label={label}
        data-testid={id}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = "";
        }}
      />
      <Button type="button" disabled={disabled} onClick={() => ref.current?.click()}>
        {label}
      </Button>
    </>
  );
}

export function ListingPanel({
  org,
  appId,
  name,
  listing,
  permissions,
  maxScreenshots,
}: {
  org: string;
  appId: string;
  name: string;
  listing: ListingJson;
  permissions: { value: string; label: string }[];
  maxScreenshots: number;
}) {
  const t = useTranslations("listing");
  const tc = useTranslations("common");
  const images = useOrgAction();
  const privacy = useOrgAction();
  const [rows, setRows] = useState<PrivacyRow[]>(listing.privacy);
  const [saved, setSaved] = useState(false);
  const upload = (kind: "icon" | "screenshot") => async (file: File) => {
    const data = await toBase64(file);
    images.run(() => addListingImageAction(org, { appId, kind, data }));
  };
  const remove = (m: MediaJson) => images.run(() => removeListingImageAction(org, { appId, mediaId: m.id }));
  const fieldError = (i: number, key: string) => privacy.fieldErrors[`rows.${i}.${key}`];
  const update = (i: number, patch: Partial<PrivacyRow>) => {
    setSaved(false);
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const imageError = images.error ? [images.error.message, ...Object.values(images.error.fieldErrors ?? {}).flat()].join(" ") : null;
  return (
    <div className="space-y-6" data-testid="listing-panel">
      <p className="text-sm text-muted-fg">{t("description")}</p>
      <FormError message={imageError} />
      <section aria-labelledby="listing-icon" className="space-y-2">
        <h3 id="listing-icon" className="text-sm font-semibold">
          {t("icon")}
        </h3>
        <p className="text-xs text-muted-fg">{t("iconHint")}</p>
        <div className="flex flex-wrap items-center gap-3">
          {listing.icon ? (
            // eslint-disable-next-line @next/next/no-img-element -- served by our own authorizing route
            <img src={listingImageUrl(org, appId, listing.icon)} alt={t("iconAlt", { name })} width={64} height={64} className="size-16 rounded-xl border border-border object-cover" data-testid="listing-icon" />
          ) : (
            <span className="text-sm text-muted-fg">{t("noIcon")}</span>
          )}
          <ImagePicker id="listing-icon-file" label={listing.icon ? t("replaceIcon") : t("uploadIcon")} disabled={images.pending} onFile={upload("icon")} />
          {listing.icon && (
            <ConfirmButton label={t("removeIcon")} title={t("removeTitle")} body={t("removeBody")} confirmLabel={tc("remove")} cancelLabel={tc("cancel")} disabled={images.pending} onConfirm={() => remove(listing.icon!)} />
          )}
        </div>
      </section>
      <section aria-labelledby="listing-screenshots" className="space-y-2">
        <h3 id="listing-screenshots" className="text-sm font-semibold">
          {t("screenshots")}
        </h3>
        <p className="text-xs text-muted-fg">{t("screenshotsHint", { max: maxScreenshots })}</p>
        {listing.screenshots.length === 0 ? (
          <p className="text-sm text-muted-fg">{t("noScreenshots")}</p>
        ) : (
          <ul className="flex flex-wrap gap-3" data-testid="listing-screenshots">
            {listing.screenshots.map((m, i) => (
              <li key={m.id} className="flex flex-col items-start gap-1">
                {/* eslint-disable-next-line @next/next/no-img-element -- served by our own authorizing route */}
                <img src={listingImageUrl(org, appId, m)} alt={t("screenshotAlt", { n: i + 1 })} className="h-40 w-auto max-w-[45vw] rounded border border-border object-contain" />
                <ConfirmButton label={t("remove")} title={t("removeTitle")} body={t("removeBody")} confirmLabel={tc("remove")} cancelLabel={tc("cancel")} disabled={images.pending} onConfirm={() => remove(m)} />
              </li>
            ))}
          </ul>
        )}
        {listing.screenshots.length < maxScreenshots && <ImagePicker id="listing-screenshot-file" label={t("addScreenshot")} disabled={images.pending} onFile={upload("screenshot")} />}
      </section>
      <section aria-labelledby="listing-privacy" className="space-y-3">
        <h3 id="listing-privacy" className="text-sm font-semibold">
          {t("privacy")}
        </h3>
        <p className="text-xs text-muted-fg">{t("privacyHint")}</p>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            privacy.run(() => setPrivacyDeclarationAction(org, { appId, rows }), () => setSaved(true));
          }}
        >
          <FormError message={privacy.error?.message} />
          {rows.length === 0 && <p className="text-sm text-muted-fg">{t("noPrivacy")}</p>}
          {rows.map((r, i) => (
            <fieldset key={i} className="grid gap-2 rounded-lg border border-border p-3 sm:grid-cols-[12rem_1fr_1fr_auto] sm:items-end" data-testid={`privacy-row-${i}`}>
              <Field id={`privacy-${i}-permission`} label={t("permission")} error={fieldError(i, "permission")}>
                <Select id={`privacy-${i}-permission`} value={r.permission} onChange={(e) => update(i, { permission: e.target.value })} required>
                  <option value="">{t("choosePermission")}</option>
                  {permissions.map((p) => (
                    <option key={p.value} value={p.value}>
                      {p.label}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field id={`privacy-${i}-data`} label={t("data")} error={fieldError(i, "data")}>
                <Textarea id={`privacy-${i}-data`} rows={2} maxLength={500} value={r.data} onChange={(e) => update(i, { data: e.target.value })} required />
              </Field>
              <Field id={`privacy-${i}-purpose`} label={t("purpose")} error={fieldError(i, "purpose")}>
                <Textarea id={`privacy-${i}-purpose`} rows={2} maxLength={500} value={r.purpose} onChange={(e) => update(i, { purpose: e.target.value })} required />
              </Field>
              <Button type="button" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))} aria-label={t("removeRow", { n: i + 1 })}>
                {t("remove")}
              </Button>
            </fieldset>
          ))}
          <div className="flex flex-wrap items-center gap-2">
            {rows.length < permissions.length && (
              <Button type="button" onClick={() => setRows((rs) => [...rs, { permission: "", data: "", purpose: "" }])}>
                {t("addRow")}
              </Button>
            )}
            <Button type="submit" variant="primary" disabled={privacy.pending}>
              {t("save")}
            </Button>
            {saved && !privacy.pending && (
              <span role="status" className="text-sm text-muted-fg">
                {t("saved")}
              </span>
            )}
          </div>
        </form>
      </section>
    </div>
  );
}
