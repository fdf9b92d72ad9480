"use client";
import { useFormatter, useTranslations } from "next-intl";
import { DateTime } from "@/components/ui/datetime";
import { useEffect, useRef, useState } from "react";
import type { WebhookEvent } from "@/db/enums";
import type { WebhookDeliveryJson, WebhookEndpointJson } from "@/lib/services/webhooks";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { OneTimeSecret } from "@/components/ui/copy-button";
import { Field, FormError, Input } from "@/components/ui/form";
import { Badge, EmptyState, Table } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";
import Link from "next/link";
import { WEBHOOK_EVENT_GROUPS } from "@/lib/webhooks/event-groups";
import { createWebhookAction, deleteWebhookAction, resendDeliveryAction, sendTestEventAction, setWebhookActiveAction } from "./actions";

const eventKey = (e: string) => `eventNames.${e.replace(".", "_")}`;

/** A group's own checkbox: checked when all of its events are, mixed when some are; toggling sets them all. */
function GroupCheckbox({ checked, mixed, onChange, label }: { checked: boolean; mixed: boolean; onChange: (on: boolean) => void; label: string }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = mixed;
  }, [mixed]);
  return <input ref={ref} type="checkbox" checked={checked} aria-checked={mixed ? "mixed" : checked} onChange={(e) => onChange(e.target.checked)} aria-label={label} className="size-4" />;
}

/**
 * The events in their groups (lib/webhooks/event-groups.ts), each group a fieldset whose legend holds a checkbox that
 * selects or clears the whole group. Plain checkboxes throughout, so Tab and Space are all a keyboard needs.
 */
function EventPicker({ events, error }: { events: readonly WebhookEvent[]; error: boolean }) {
  const t = useTranslations("webhooks");
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(events));
  const set = (evs: readonly string[], on: boolean) =>
    setSelected((cur) => {
      const next = new Set(cur);
      for (const e of evs) if (on) next.add(e);
      else next.delete(e);
      return next;
    });
  const known = new Set<string>(events);
  return (
    <fieldset className="space-y-3" data-testid="webhook-events">
      <legend className="mb-1 flex w-full flex-wrap items-center gap-x-3 gap-y-1 text-sm font-medium">
        <span>{t("events")}</span>
        <span className="text-xs font-normal text-muted-fg" aria-live="polite">
          {t("selectedCount", { selected: selected.size, total: events.length })}
        </span>
        <span className="flex gap-2 text-xs font-normal">
          <Button size="sm" variant="ghost" onClick={() => set(events, true)}>
            {t("selectEverything")}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => set(events, false)}>
            {t("selectNothing")}
          </Button>
        </span>
      </legend>
      <div className="grid gap-3 lg:grid-cols-2">
        {WEBHOOK_EVENT_GROUPS.map((g) => {
          const evs = g.events.filter((e) => known.has(e));
          const n = evs.filter((e) => selected.has(e)).length;
          const name = t(`groups.${g.id}`);
          return (
            <fieldset key={g.id} className="rounded-md border border-border p-3" data-testid={`event-group-${g.id}`}>
              <legend className="px-1 text-sm font-medium">
                <label className="flex items-center gap-2">
                  <GroupCheckbox checked={n === evs.length} mixed={n > 0 && n < evs.length} onChange={(on) => set(evs, on)} label={t("selectGroup", { group: name })} />
                  <span>{name}</span>
                  <span className="text-xs font-normal text-muted-fg">{t("selectedCount", { selected: n, total: evs.length })}</span>
                </label>
              </legend>
              <div className="mt-1 space-y-1.5 pl-6">
                {evs.map((ev) => (
                  <label key={ev} className="flex items-start gap-2 text-sm">
                    <input type="checkbox" name="events" value={ev} checked={selected.has(ev)} onChange={(e) => set([ev], e.target.checked)} className="mt-0.5 size-4" />
                    <span>
                      {t(eventKey(ev))} <code className="font-mono text-xs text-muted-fg">{ev}</code>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          );
        })}
      </div>
      <p className={`text-xs ${error ? "text-danger" : "text-muted-fg"}`} role={error ? "alert" : undefined}>
        {t("eventsHint")}
      </p>
    </fieldset>
  );
}

export function CreateWebhookForm({ org, events }: { org: string; events: readonly WebhookEvent[] }) {
  const t = useTranslations("webhooks");
  const tc = useTranslations("common");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [secret, setSecret] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <div className="space-y-4">
      <form
        key={formKey}
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const fd = new FormData(e.currentTarget);
          setSecret(null);
          run(
            () =>
              createWebhookAction(org, {
                url: String(fd.get("url") ?? ""),
                description: String(fd.get("description") ?? ""),
                events: fd.getAll("events").map(String) as WebhookEvent[],
              }),
            (d) => {
              setSecret(d.secret);
              setFormKey((k) => k + 1);
            },
          );
        }}
      >
        <FormError message={Object.keys(fieldErrors).length ? null : error?.message} />
        <div className="grid gap-4 md:grid-cols-2">
          <Field id="webhook-url" label={t("url")} hint={t("urlHint")} error={fieldErrors.url}>
            <Input id="webhook-url" name="url" type="url" required maxLength={2048} placeholder="https://hooks.example.com/atrium" aria-invalid={!!fieldErrors.url} />
          </Field>
          <Field id="webhook-description" label={t("descriptionLabel")} error={fieldErrors.description}>
            <Input id="webhook-description" name="description" maxLength={200} />
          </Field>
        </div>
        <EventPicker events={events} error={!!fieldErrors.events} />
        <Button type="submit" variant="primary" disabled={pending}>
          {t("create")}
        </Button>
      </form>
      {secret && <OneTimeSecret label={t("secret")} value={secret} warning={t("secretWarning")} copyLabel={tc("copy")} copiedLabel={tc("copied")} />}
    </div>
  );
}

export function EndpointList({ org, endpoints }: { org: string; endpoints: WebhookEndpointJson[] }) {
  const t = useTranslations("webhooks");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { pending, error, run } = useOrgAction();
  const [tested, setTested] = useState<{ endpointId: string; ok: boolean; text: string } | null>(null);
  if (endpoints.length === 0) return <EmptyState title={t("noEndpoints")} />;
  return (
    <div className="space-y-3">
      <FormError message={error?.message} />
      {tested && (
        <p role="status" data-testid="webhook-test-result" className={`rounded-md border px-3 py-2 text-sm ${tested.ok ? "border-success/40 text-success" : "border-danger/40 text-danger"}`}>
          {tested.text}
        </p>
      )}
      <ul className="divide-y divide-border rounded-lg border border-border" data-testid="webhook-endpoints">
        {endpoints.map((e) => (
          <li key={e.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-start sm:justify-between">
            <div className="min-w-0 space-y-1">
              <div className="flex flex-wrap items-center gap-2">
                <code className="font-mono text-sm break-all">{e.url}</code>
                <Badge tone={e.active ? "success" : "neutral"}>{e.active ? t("active") : t("disabled")}</Badge>
              </div>
              {e.description && <p className="text-sm">{e.description}</p>}
              <div className="flex flex-wrap gap-1">
                {e.events.map((ev) => (
                  <code key={ev} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
                    {ev}
                  </code>
                ))}
              </div>
              <p className="text-xs text-muted-fg">{t("createdBy", { email: e.createdBy ?? "—", when: format.relativeTime(new Date(e.createdAt)) })}</p>
            </div>
            <div className="flex shrink-0 flex-wrap gap-2">
              <Button
                size="sm"
                disabled={pending || !e.active}
                onClick={() =>
                  run(
                    () => sendTestEventAction(org, { endpointId: e.id }),
                    (d) =>
                      setTested({
                        endpointId: e.id,
                        ok: d.status === "succeeded",
                        text:
                          d.status === "succeeded"
                            ? t("testOk", { code: d.lastStatusCode ?? 0, ms: d.lastDurationMs ?? 0 })
                            : t("testFailed", { reason: d.lastError ?? String(d.lastStatusCode ?? "—"), ms: d.lastDurationMs ?? 0 }),
                      }),
                  )
                }
              >
                {t("sendTest")}
              </Button>
              <Link
                href={`/o/${org}/settings/webhooks?endpoint=${encodeURIComponent(e.id)}#deliveries`}
                className="inline-flex h-8 items-center rounded-md border border-border px-3 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2"
              >
                {t("deliveryLog")}
              </Link>
              <Button size="sm" disabled={pending} onClick={() => run(() => setWebhookActiveAction(org, { endpointId: e.id, active: !e.active }))}>
                {e.active ? t("disable") : t("enable")}
              </Button>
              <ConfirmButton
                label={t("delete")}
                title={t("deleteTitle")}
                body={t("deleteBody")}
                confirmLabel={t("delete")}
                cancelLabel={tc("cancel")}
                disabled={pending}
                onConfirm={() => run(() => deleteWebhookAction(org, { endpointId: e.id }))}
              />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

const STATUS_TONE = { pending: "info", succeeded: "success", failed: "danger" } as const;

export function DeliveriesTable({ org, deliveries }: { org: string; deliveries: WebhookDeliveryJson[] }) {
  const t = useTranslations("webhooks");
  const format = useFormatter();
  const { pending, error, run } = useOrgAction();
  if (deliveries.length === 0) return <EmptyState title={t("noDeliveries")} />;
  return (
    <div className="space-y-3">
      <FormError message={error?.message} />
      <Table caption={t("deliveries")}>
        <thead>
          <tr>
            <th scope="col">{t("event")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("code")}</th>
            <th scope="col">{t("latency")}</th>
            <th scope="col">{t("attempts")}</th>
            <th scope="col">{t("created")}</th>
            <th scope="col">{t("endpoint")}</th>
            <th scope="col">
              <span className="sr-only">{t("resend")}</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="webhook-deliveries">
          {deliveries.map((d) => (
            <tr key={d.id} data-status={d.status}>
              <td>
                <code className="font-mono text-xs">{d.event}</code>
              </td>
              <td>
                <Badge tone={STATUS_TONE[d.status]}>{t(`statusNames.${d.status}`)}</Badge>
                {d.nextAttemptAt && <div className="mt-0.5 text-xs text-muted-fg">{t("nextAttempt", { when: format.relativeTime(new Date(d.nextAttemptAt)) })}</div>}
              </td>
              <td className="tabular-nums">
                {d.lastStatusCode ?? "—"}
                {d.lastError && d.status !== "succeeded" && !d.lastResponseSnippet && (
                  <div className="max-w-[14rem] truncate text-xs text-muted-fg" title={d.lastError}>
                    {d.lastError}
                  </div>
                )}
                {d.lastResponseSnippet && (
                  <details className="mt-0.5 max-w-[16rem] text-xs">
                    <summary className="cursor-pointer text-muted-fg">{t("responseBody")}</summary>
                    <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 font-mono" data-testid="webhook-response-snippet">
                      {d.lastResponseSnippet}
                    </pre>
                  </details>
                )}
              </td>
              <td className="tabular-nums whitespace-nowrap">{d.lastDurationMs === null ? "—" : t("ms", { ms: d.lastDurationMs })}</td>
              <td className="tabular-nums">{d.attempts}</td>
              <td className="whitespace-nowrap text-xs"><DateTime value={d.createdAt} preset="relative" /></td>
              <td className="max-w-[16rem]">
                <span className="block truncate font-mono text-xs" title={d.url ?? undefined}>
                  {d.url ?? t("deletedEndpoint")}
                </span>
              </td>
              <td className="text-right">
                <Button size="sm" disabled={pending} onClick={() => run(() => resendDeliveryAction(org, { deliveryId: d.id }))}>
                  {t("resend")}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
