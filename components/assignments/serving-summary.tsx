import { useTranslations } from "next-intl";
import type { AssignmentJson } from "@/lib/services/assignments";
import { servingNow } from "./serving";

/** One plain sentence (or two) of what every user of the host gets from this assignment now. */
export function ServingSummary({ assignment: a }: { assignment: AssignmentJson }) {
  const t = useTranslations("release.serving");
  const s = servingNow(a);
  const host = a.hostName;
  const none = "—";
  const lines: string[] = [];
  let tone: "ok" | "warn" | "danger" = "ok";
  switch (s.kind) {
    case "stable":
      lines.push(t("stable", { host, stable: s.stable }));
      break;
    case "candidate":
      lines.push(t("candidate", { host, candidate: s.candidate }));
      break;
    case "split":
      if (s.stable) lines.push(t("split", { host, percent: s.percent, rest: 100 - s.percent, candidate: s.candidate, stable: s.stable }));
      else {
        tone = "danger";
        lines.push(t("splitNoStable", { host, percent: s.percent, rest: 100 - s.percent, candidate: s.candidate, stable: a.stable?.version ?? none, why: t(`why.${s.stableWhy === "delivered" ? "none" : s.stableWhy}`) }));
      }
      break;
    case "nobody":
      tone = "danger";
      lines.push(t("nobody", { host, stable: s.stable ?? none, why: t(`why.${s.why === "delivered" ? "none" : s.why}`) }));
      break;
  }
  const held = s.kind === "stable" || s.kind === "nobody" ? s.held : null;
  if (held) {
    if (tone === "ok") tone = "warn";
    const key = held.why === "paused" ? "heldPaused" : held.why === "zero" ? "heldZero" : "heldUndeliverable";
    lines.push(t(key, { candidate: held.candidate, percent: held.percent }));
  }
  if (tone === "danger") lines.push(t("replaceHint"));
  const cls =
    tone === "danger" ? "border-danger/40 bg-danger-bg text-danger" : tone === "warn" ? "border-warning/50 bg-warning-bg text-warning" : "border-border bg-muted/40 text-fg";
  return (
    <div className={`rounded-md border px-3 py-2 text-sm ${cls}`} data-testid="serving-now" data-kind={s.kind} role="status">
      <p className="text-xs font-semibold uppercase tracking-wide">{t("title")}</p>
      {lines.map((l) => (
        <p key={l} className="mt-1">
          {l}
        </p>
      ))}
    </div>
  );
}
