// Findings, risk lines and their parameters in the reader's language (lib/i18n/messages/*/findings.json).
import { useLocale, useTranslations } from "next-intl";
import { findingText, type FindingParams, type FindingTranslator } from "@/lib/packages/finding-text";

type Localizable = { message: string; key?: string; params?: FindingParams };

/** A function that writes a finding (or a risk item with `key`) in the current locale. */
export function useFindingText(): (item: Localizable) => string {
  const t = useTranslations("findings");
  const th = useTranslations("hosts");
  const locale = useLocale();
  const permissionLabel = (p: string) => (th.has(`permission.${p}`) ? `${th(`permission.${p}`)} (${p})` : null);
  return (item) => findingText(t as unknown as FindingTranslator, locale, item, permissionLabel);
}
