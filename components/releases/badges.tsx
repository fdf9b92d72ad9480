import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/layout";
import type { ReleaseHostState } from "@/lib/services/releases";
import type { ReleaseStatus, RingState } from "@/db/enums";

const STATUS_TONE = { running: "info", completed: "success", halted: "danger", cancelled: "neutral" } as const;
const RING_TONE = { pending: "neutral", rolling: "info", completed: "success", halted: "danger", cancelled: "neutral" } as const;
const HOST_TONE = { waiting: "neutral", rolling: "info", paused: "warning", halted: "danger", done: "success", removed: "danger" } as const;

export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }) {
  const t = useTranslations("releases.status");
  return (
    <span data-testid="release-status" data-status={status}>
      <Badge tone={STATUS_TONE[status]}>{t(status)}</Badge>
    </span>
  );
}

export function RingStateBadge({ state }: { state: RingState }) {
  const t = useTranslations("releases.ringState");
  return (
    <span data-testid="ring-state" data-state={state}>
      <Badge tone={RING_TONE[state]}>{t(state)}</Badge>
    </span>
  );
}

export function HostStateBadge({ state, version }: { state: ReleaseHostState; version: string }) {
  const t = useTranslations("releases.hostState");
  return (
    <span data-testid="host-state" data-state={state}>
      <Badge tone={HOST_TONE[state]}>{t(state, { version })}</Badge>
    </span>
  );
}
