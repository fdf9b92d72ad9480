import { useTranslations } from "next-intl";
import { DateTime } from "@/components/ui/datetime";
import { haltFiguresOf } from "@/lib/release/halt-figures";
import type { AssignmentEventJson } from "@/lib/services/assignments";
import { useHaltText } from "./halt-reason";

function versionIn(o: Record<string, unknown> | null, key: string): string {
  const ref = o?.[key];
  return ref && typeof ref === "object" && "version" in ref && typeof ref.version === "string" ? ref.version : "?";
}

function percentIn(o: Record<string, unknown> | null): number {
  return typeof o?.rolloutPercent === "number" ? o.rolloutPercent : 0;
}

/** One line per change, newest first: what, who, when. */
export function AssignmentTimeline({ events }: { events: AssignmentEventJson[] }) {
  const t = useTranslations("assignments.timeline");
  const haltText = useHaltText();
  if (events.length === 0) return <p className="text-sm text-muted-fg">{t("empty")}</p>;
  const what = (e: AssignmentEventJson): string => {
    switch (e.action) {
      case "assign":
        return t("assign", { version: versionIn(e.to, "stable") });
      case "candidate":
        return e.to?.candidate ? t("candidate", { version: versionIn(e.to, "candidate") }) : t("candidateCleared");
      case "rollout":
        return t("rollout", { from: percentIn(e.from), to: percentIn(e.to) });
      case "pause":
        return t("pause");
      case "resume":
        return t("resume");
      case "promote":
        return t("promote", { version: versionIn(e.to, "stable") });
      case "rollback":
        return e.from?.candidate ? t("rollbackCandidate", { version: versionIn(e.from, "candidate") }) : t("rollbackStable", { version: versionIn(e.to, "stable") });
      case "unassign":
        return t("unassign");
      case "replace_stable":
        return t("replaceStable", { from: versionIn(e.from, "stable"), to: versionIn(e.to, "stable") });
      case "rules":
        return e.to?.rules ? t("rules") : t("rulesCleared");
      case "trial":
        return e.to?.trial ? t("trial", { version: versionIn(e.to, "trial") }) : t("trialCleared");
      case "testers":
        return t("testers", { count: Array.isArray(e.to?.testers) ? e.to.testers.length : 0 });
      case "schedule":
        return e.to?.schedule ? t("schedule") : t("scheduleCleared");
      case "guardrail":
        return e.to?.guardrail ? t("guardrail") : t("guardrailCleared");
      case "step":
        return t("step", { from: percentIn(e.from), to: percentIn(e.to) });
      case "halt": {
        const reason = haltText(haltFiguresOf(e.to), typeof e.to?.haltReason === "string" ? e.to.haltReason : null) ?? "";
        return e.to?.haltedBy === "release" ? t("haltRelease", { reason }) : t("halt", { reason });
      }
      case "revoke": {
        const role = e.to && "stable" in e.to ? "Stable" : e.to && "candidate" in e.to ? "Candidate" : "PreviousStable";
        const reason = typeof e.to?.reason === "string" ? e.to.reason : "";
        return t(`revoke${role}`, { version: versionIn(e.to, role.charAt(0).toLowerCase() + role.slice(1)), reason });
      }
    }
  };
  return (
    <ol className="relative space-y-4 border-l border-border pl-4" data-testid="assignment-timeline">
      {events.map((e) => (
        <li key={e.id} className="relative" data-action={e.action}>
          <span aria-hidden className={`absolute top-1.5 -left-[21px] h-2.5 w-2.5 rounded-full border-2 border-card ${e.action === "revoke" || e.action === "halt" ? "bg-danger" : "bg-primary"}`} />
          <p className="text-sm font-medium">{what(e)}</p>
          <p className="text-xs text-muted-fg">
            {e.actor && <span>{t("by", { actor: e.actor })} · </span>}
            <DateTime value={e.at} preset="relative" />
          </p>
        </li>
      ))}
    </ol>
  );
}
