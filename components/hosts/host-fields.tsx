"use client";
// The fields a host app is registered and edited with: name, description, platforms. Errors come in as the
// action's field errors (keys like `platforms.1.identifier`) and are shown beside their field.
import { useTranslations } from "next-intl";
import type { ActionError } from "@/lib/actions/safe-action";
import { Field, Input, Textarea } from "@/components/ui/form";
import { useHostErrorText } from "./error-text";
import { PlatformRows, type PlatformRow } from "./platform-rows";

export type HostFieldValues = { name: string; description: string; rows: PlatformRow[]; urlScheme: string };

type Taken = { reason: "identifier_taken"; platform: string; hostName: string };

function identifierTaken(error: ActionError | null): Taken | null {
  const d = error?.code === "conflict" ? (error.details as Partial<Taken> | undefined) : undefined;
  return d?.reason === "identifier_taken" && d.platform && d.hostName ? (d as Taken) : null;
}

/** True when the error is shown at a field, so the form need not repeat it above. */
export function hostFieldsShowError(error: ActionError | null): boolean {
  return !!error && (Object.keys(error.fieldErrors ?? {}).length > 0 || identifierTaken(error) !== null);
}

export function HostFields({
  idPrefix,
  value,
  onChange,
  error,
  disabled,
}: {
  idPrefix: string;
  value: HostFieldValues;
  onChange: (v: HostFieldValues) => void;
  error: ActionError | null;
  disabled?: boolean;
}) {
  const t = useTranslations("hosts");
  const text = useHostErrorText();
  const fe = error?.fieldErrors ?? {};
  const taken = identifierTaken(error);
  const errorAt = (i: number, field: "platform" | "identifier") => {
    if (field === "identifier" && taken && value.rows[i]?.platform === taken.platform) {
      return t("identifierTaken", { platform: t(`platformName.${taken.platform}`), host: taken.hostName });
    }
    return text(fe[`platforms.${i}.${field}`] ?? (field === "platform" ? fe[`platforms.${i}`] : undefined));
  };
  const nameError = text(fe.name);
  const descriptionError = text(fe.description);
  return (
    <div className="space-y-4">
      <Field id={`${idPrefix}-name`} label={t("name")} error={nameError}>
        <Input
          id={`${idPrefix}-name`}
          value={value.name}
          required
          maxLength={80}
          disabled={disabled}
          aria-invalid={!!nameError}
          aria-describedby={nameError ? `${idPrefix}-name-error` : undefined}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
        />
      </Field>
      <Field id={`${idPrefix}-description`} label={t("fieldDescription")} error={descriptionError}>
        <Textarea
          id={`${idPrefix}-description`}
          value={value.description}
          rows={2}
          maxLength={500}
          disabled={disabled}
          aria-invalid={!!descriptionError}
          aria-describedby={descriptionError ? `${idPrefix}-description-error` : undefined}
          onChange={(e) => onChange({ ...value, description: e.target.value })}
        />
      </Field>
      <PlatformRows
        idPrefix={idPrefix}
        rows={value.rows}
        disabled={disabled}
        onChange={(rows) => onChange({ ...value, rows })}
        errorAt={errorAt}
        listError={text(fe.platforms)}
      />
      <Field id={`${idPrefix}-url-scheme`} label={t("fieldUrlScheme")} hint={t("fieldUrlSchemeHint")} error={text(fe.urlScheme)}>
        <Input
          id={`${idPrefix}-url-scheme`}
          value={value.urlScheme}
          maxLength={32}
          autoCapitalize="none"
          spellCheck={false}
          placeholder="superapp"
          disabled={disabled}
          aria-invalid={!!fe.urlScheme}
          aria-describedby={fe.urlScheme ? `${idPrefix}-url-scheme-error` : `${idPrefix}-url-scheme-hint`}
          onChange={(e) => onChange({ ...value, urlScheme: e.target.value })}
        />
      </Field>
    </div>
  );
}
