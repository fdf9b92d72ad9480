"use client";
// Validation messages arrive from the server in English, straight from the `hosts.errors` catalog (the API
// answers them too); this maps each back to its key so the reader sees it in their own language.
import { useTranslations } from "next-intl";
import hostsEn from "@/lib/i18n/messages/en/hosts.json";

const KEY_BY_TEXT = new Map<string, string>(Object.entries(hostsEn.errors).map(([key, text]) => [text, key]));

export function useHostErrorText(): (messages: string | string[] | undefined) => string | undefined {
  const t = useTranslations("hosts.errors");
  return (messages) => {
    if (!messages || messages.length === 0) return undefined;
    const list = Array.isArray(messages) ? messages : [messages];
    return [...new Set(list)].map((m) => (KEY_BY_TEXT.has(m) ? t(KEY_BY_TEXT.get(m)!) : m)).join(" ");
  };
}
