"use client";
// Runs a server action in a transition, keeps its error message, moves focus to what changed, and refreshes the
// page's server data on success (unless the form leaves the page or has nothing on it to refresh).
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useSubmitFocus } from "@/components/ui/form";
import type { ActionError, ActionResult } from "@/lib/actions/safe-action";

/**
 * The messages to show beside fields: the input schema's (fieldErrors), else those a service names in its error's
 * details (`details.fields`, e.g. a slug already taken or a domain another organization claims).
 */
export function fieldErrorsOf(error: ActionError | null): Record<string, string[]> {
  if (!error) return {};
  if (error.fieldErrors && Object.keys(error.fieldErrors).length) return error.fieldErrors;
  return (error.details as { fields?: Record<string, string[]> } | undefined)?.fields ?? {};
}

export function useOrgAction({ refresh = true }: { refresh?: boolean } = {}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<ActionError | null>(null);
  // Every form that runs an action moves focus to what changed (components/ui/form.tsx).
  const focus = useSubmitFocus(pending);
  const run = <T,>(fn: () => Promise<ActionResult<T>>, onOk?: (data: T) => void) => {
    focus.begin();
    start(async () => {
      setError(null);
      const res = await fn();
      if (!res.ok) setError(res.error);
      else {
        onOk?.(res.data);
        if (refresh) router.refresh();
      }
      focus.settle(!res.ok);
    });
  };
  return { pending, error, fieldErrors: fieldErrorsOf(error), run };
}
