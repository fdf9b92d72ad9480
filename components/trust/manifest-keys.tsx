// The organization's manifest signing keys (CONTRACT §13), as shown on a host's credentials page and in the
// organization settings: public halves only, with their status.
import { getFormatter, getTranslations } from "next-intl/server";
import { CopyButton } from "@/components/ui/copy-button";

export type ManifestKeyView = { keyId: string; alg: string; publicKey: string; status: "active" | "retiring"; createdAt: string; retiringUntil: string | null };

export async function ManifestKeyList({ keys }: { keys: ManifestKeyView[] }) {
  const t = await getTranslations("trust.keys");
  const tc = await getTranslations("common");
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), "dateTimeZone");
  return (
    <ul className="space-y-3" data-testid="manifest-keys">
      {keys.map((k) => (
        <li key={k.keyId} className="space-y-1 rounded-md border border-border p-3" data-testid="manifest-key" data-status={k.status}>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <code className="break-all font-mono">{k.keyId}</code>
            <span
              className={
                k.status === "active"
                  ? "rounded-full bg-success-bg px-2 py-0.5 text-xs font-medium text-success"
                  : "rounded-full bg-warning-bg px-2 py-0.5 text-xs font-medium text-warning"
              }
            >
              {t(k.status)}
            </span>
            <span className="text-xs text-muted-fg">{k.alg}</span>
          </div>
          <div className="flex items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1 font-mono text-xs" aria-label={t("publicKey")}>
              {k.publicKey}
            </code>
            <CopyButton value={k.publicKey} label={tc("copy")} copiedLabel={tc("copied")} />
          </div>
          <p className="text-xs text-muted-fg">
            <time dateTime={k.createdAt}>{t("created", { when: when(k.createdAt) })}</time>
            {k.retiringUntil && (
              <>
                {" · "}
                <time dateTime={k.retiringUntil}>{t("retiringUntil", { when: when(k.retiringUntil) })}</time>
              </>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}
