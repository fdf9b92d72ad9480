// The host of a detail page, read once per request however many of the layout and page ask for it.
import { cache } from "react";
import { notFound } from "next/navigation";
import { getPageContext } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { getHost } from "@/lib/services/hosts";

export const loadHostPage = cache(async (org: string, hostId: string) => {
  const ctx = await getPageContext(org);
  try {
    const host = await getHost(ctx, hostId);
    return { ctx, host, canManage: can(ctx, "hosts.manage") };
  } catch (e) {
    // A foreign or missing host renders the 404 page, exactly alike.
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
});
