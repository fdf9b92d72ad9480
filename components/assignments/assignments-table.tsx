import Link from "next/link";
import { useTranslations } from "next-intl";
import { Table } from "@/components/ui/layout";
import type { AssignmentJson } from "@/lib/services/assignments";
import { DeliveryBadge, RolloutBar, RolloutStateBadge, rolloutState } from "./badges";

/**
 * Assignments as a table (wide screens) and as a list of cards (narrow ones). `subject` says what each row
 * names: the mini-program (on a host's page) or the host app (on a mini-program's page).
 */
export function AssignmentsTable({
  items,
  subject,
  hrefOf,
  linkLabel,
  caption,
}: {
  items: AssignmentJson[];
  subject: "miniProgram" | "host";
  hrefOf: (a: AssignmentJson) => string;
  linkLabel: string;
  caption: string;
}) {
  const t = useTranslations("assignments");
  const name = (a: AssignmentJson) =>
    subject === "miniProgram" ? (
      <span className="min-w-0">
        <span className="block font-medium">{a.miniProgramName}</span>
        <code className="block break-all font-mono text-xs text-muted-fg">{a.appId}</code>
      </span>
    ) : (
      <span className="font-medium">{a.hostName}</span>
    );
  const stable = (a: AssignmentJson) =>
    a.stable ? (
      <span className="inline-flex flex-wrap items-center gap-1.5">
        <span className="font-mono">{a.stable.version}</span>
        {a.stable.delivery !== "delivered" && <DeliveryBadge delivery={a.stable.delivery} />}
      </span>
    ) : (
      t("none")
    );
  const candidate = (a: AssignmentJson) =>
    a.candidate ? (
      <span className="inline-flex flex-wrap items-center gap-1.5">
        <span className="font-mono">{a.candidate.version}</span>
        {a.candidate.delivery !== "delivered" && <DeliveryBadge delivery={a.candidate.delivery} />}
      </span>
    ) : (
      <span className="text-muted-fg">{t("none")}</span>
    );
  return (
    <>
      <ul className="space-y-2 sm:hidden" aria-label={caption}>
        {items.map((a) => (
          <li key={a.id} className="rounded-lg border border-border bg-card p-3 text-sm" data-testid={`assignment-${a.appId}`}>
            <div className="flex items-start justify-between gap-2">
              {name(a)}
              <RolloutStateBadge state={rolloutState(a)} />
            </div>
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-muted-fg">{t("columns.stable")}</dt>
              <dd>{stable(a)}</dd>
              <dt className="text-muted-fg">{t("columns.candidate")}</dt>
              <dd>{candidate(a)}</dd>
              {a.candidate && (
                <>
                  <dt className="text-muted-fg">{t("columns.rollout")}</dt>
                  <dd>
                    <RolloutBar percent={a.rolloutPercent} paused={a.paused} />
                  </dd>
                </>
              )}
            </dl>
            <Link href={hrefOf(a)} className="mt-2 inline-block text-sm font-medium text-primary hover:underline">
              {linkLabel}
            </Link>
          </li>
        ))}
      </ul>
      <div className="hidden sm:block">
        <Table caption={caption}>
          <thead>
            <tr>
              <th scope="col">{subject === "miniProgram" ? t("columns.miniProgram") : t("columns.host")}</th>
              <th scope="col">{t("columns.stable")}</th>
              <th scope="col">{t("columns.candidate")}</th>
              <th scope="col">{t("columns.rollout")}</th>
              <th scope="col">{t("columns.state")}</th>
              <th scope="col">
                <span className="sr-only">{linkLabel}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id} data-testid={`assignment-${a.appId}`}>
                <td>{name(a)}</td>
                <td>{stable(a)}</td>
                <td>{candidate(a)}</td>
                <td>{a.candidate ? <RolloutBar percent={a.rolloutPercent} paused={a.paused} /> : <span className="text-muted-fg">{t("none")}</span>}</td>
                <td>
                  <RolloutStateBadge state={rolloutState(a)} />
                </td>
                <td className="text-right">
                  <Link href={hrefOf(a)} className="text-sm font-medium text-primary hover:underline">
                    {linkLabel}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </>
  );
}
