// next-intl without locale routing: the console's URLs carry the organization, the locale lives in a cookie.
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { isLocale, LOCALE_COOKIE, negotiateLocale } from "./config";
import { loadMessages } from "./messages";

export default getRequestConfig(async () => {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : negotiateLocale((await headers()).get("accept-language"));
  const messages = await loadMessages(locale);
  // `now` pins relative times ("3 hours ago") to this request, the same on server and client.
  return { locale, messages, timeZone: "UTC", now: new Date() };
});
