import Link from "next/link";
import { useTranslations } from "next-intl";
import { Table } from "@/components/ui/layout";
import type { AssignmentJson } from "@/lib/services/assignments";
import { DeliveryBadge, RolloutBar, RolloutStateBadge, rolloutState } from "./badges";

/**
 * Assignments as a table (wide screens) whose rows become cards (narrow ones). `subject` says what each row
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
  // One table, rendered once: a table from lg up, one card per assignment below it (the cells' labels show there).
  return (
    <Table caption={caption} stacked>
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
            <td className="max-lg:order-1">{name(a)}</td>
            <td className="max-lg:order-3 max-lg:col-span-2 max-lg:text-xs">
              <span className="text-muted-fg lg:hidden">{t("columns.stable")}: </span>
              {stable(a)}
            </td>
            <td className="max-lg:order-4 max-lg:col-span-2 max-lg:text-xs">
              <span className="text-muted-fg lg:hidden">{t("columns.candidate")}: </span>
              {candidate(a)}
            </td>
            <td className={`max-lg:order-5 max-lg:col-span-2 max-lg:text-xs ${a.candidate ? "" : "max-lg:hidden"}`}>
              <span className="text-muted-fg lg:hidden">{t("columns.rollout")}: </span>
              {a.candidate ? <RolloutBar percent={a.rolloutPercent} paused={a.paused} /> : <span className="text-muted-fg">{t("none")}</span>}
            </td>
            <td className="max-lg:order-2 max-lg:text-right">
              <RolloutStateBadge state={rolloutState(a)} />
            </td>
            <td className="text-right max-lg:order-6 max-lg:col-span-2 max-lg:text-left">
              <Link href={hrefOf(a)} className="text-sm font-medium text-primary hover:underline">
                {linkLabel}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
