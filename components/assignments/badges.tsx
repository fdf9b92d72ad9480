import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/layout";
import type { AssignmentJson, Delivery } from "@/lib/services/assignments";

const DELIVERY_TONE = { delivered: "success", revoked: "danger", outside_policy: "warning" } as const;

export function DeliveryBadge({ delivery }: { delivery: Delivery }) {
  const t = useTranslations("assignments.delivery");
  return (
    <span data-testid="delivery" data-delivery={delivery}>
      <Badge tone={DELIVERY_TONE[delivery]}>{t(delivery)}</Badge>
    </span>
  );
}

export type RolloutState = "stable" | "rolling" | "paused" | "notDelivered";

export function rolloutState(a: Pick<AssignmentJson, "candidate" | "paused" | "stable">): RolloutState {
  if (a.stable?.delivery !== "delivered" && a.candidate?.delivery !== "delivered") return "notDelivered";
  if (!a.candidate) return "stable";
  return a.paused ? "paused" : "rolling";
}

const STATE_TONE = { stable: "neutral", rolling: "info", paused: "warning", notDelivered: "danger" } as const;

export function RolloutStateBadge({ state }: { state: RolloutState }) {
  const t = useTranslations("assignments.state");
  return (
    <span data-testid="rollout-state" data-state={state}>
      <Badge tone={STATE_TONE[state]}>{t(state)}</Badge>
    </span>
  );
}

/** The rollout share as a bar and a number; the bar is decoration, the number is what is read out. */
export function RolloutBar({ percent, paused }: { percent: number; paused: boolean }) {
  const t = useTranslations("assignments");
  const tr = useTranslations("release");
  return (
    <span className="inline-flex items-center gap-2" data-testid="rollout-percent" data-percent={percent}>
      <span aria-hidden className="h-1.5 w-16 overflow-hidden rounded-full bg-muted">
        <span className={`block h-full rounded-full ${paused ? "bg-warning" : "bg-primary"}`} style={{ width: `${percent}%` }} />
      </span>
      {/* Paused, the share reaches no one: "10% of users" would say otherwise. */}
      <span className="tabular-nums text-xs">{paused ? tr("pausedAt", { percent }) : t("percentOfUsers", { percent })}</span>
    </span>
  );
}
