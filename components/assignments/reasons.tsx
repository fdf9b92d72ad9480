"use client";
// Refusal reasons arrive with their codes and parameters; each is shown in the reader's language, and an
// unknown code falls back to the server's English message.
import { useTranslations } from "next-intl";

export type ReasonLike = { code: string; message: string } & Record<string, unknown>;

export function useReasonText(): (r: ReasonLike) => string {
  const t = useTranslations("assignments.reason");
  return (r) => {
    const str = (k: string) => (typeof r[k] === "string" ? (r[k] as string) : "");
    switch (r.code) {
      case "permission_not_allowed":
        return t("permission_not_allowed", { permission: str("permission") });
      case "domain_not_allowed":
        return t("domain_not_allowed", { domain: str("domain") });
      case "min_sdk_too_low":
        return r.declared ? t("min_sdk_too_low", { declared: str("declared"), required: str("required") }) : t("min_sdk_missing", { required: str("required") });
      case "version_not_approved":
        return t("version_not_approved");
      case "version_not_newer":
        return t("version_not_newer", { stable: str("stable") });
      case "version_mismatch":
        return t("version_mismatch");
      case "version_not_trialable":
        return t("version_not_trialable");
      default:
        return r.message;
    }
  };
}

export function ReasonList({ reasons, className = "" }: { reasons: ReasonLike[]; className?: string }) {
  const text = useReasonText();
  if (reasons.length === 0) return null;
  return (
    <ul className={`list-disc space-y-0.5 pl-5 ${className}`} data-testid="policy-reasons">
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`} data-code={r.code}>
          {text(r)}
        </li>
      ))}
    </ul>
  );
}

/** The reasons of a refused action, if its error carried any. */
export function reasonsOf(details: unknown): ReasonLike[] {
  if (!details || typeof details !== "object" || !("reasons" in details) || !Array.isArray(details.reasons)) return [];
  return details.reasons.filter((r): r is ReasonLike => !!r && typeof r === "object" && typeof r.code === "string" && typeof r.message === "string");
}
