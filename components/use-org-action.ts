"use client";
// Runs a server action in a transition, keeps its error message, and refreshes the page's server data on success.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useSubmitFocus } from "@/components/ui/form";
import type { ActionError, ActionResult } from "@/lib/actions/safe-action";

export function useOrgAction() {
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
        router.refresh();
      }
      focus.settle(!res.ok);
    });
  };
  return { pending, error, fieldErrors: error?.fieldErrors ?? {}, run };
}
