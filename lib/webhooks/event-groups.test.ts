import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENTS } from "@/db/enums";
import en from "@/lib/i18n/messages/en/webhooks.json";
import zh from "@/lib/i18n/messages/zh-CN/webhooks.json";
import { WEBHOOK_EVENT_GROUPS } from "./event-groups";

describe("webhook event groups", () => {
  it("hold every event exactly once", () => {
    const grouped = WEBHOOK_EVENT_GROUPS.flatMap((g) => [...g.events]);
    expect([...grouped].sort()).toEqual([...WEBHOOK_EVENTS].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it("are named in both languages", () => {
    for (const g of WEBHOOK_EVENT_GROUPS) {
      expect((en.groups as Record<string, string>)[g.id], g.id).toBeTruthy();
      expect((zh.groups as Record<string, string>)[g.id], g.id).toBeTruthy();
    }
  });
});
