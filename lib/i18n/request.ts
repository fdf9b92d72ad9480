// next-intl without locale routing: the console's URLs carry the organization, the locale lives in a cookie.
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { isLocale, LOCALE_COOKIE, negotiateLocale } from "./config";
import { formats } from "./format";
import { loadMessages } from "./messages";
import { resolveTimeZone, TIME_ZONE_COOKIE, TIME_ZONE_MODE_COOKIE } from "./time-zone";

export default getRequestConfig(async () => {
  const jar = await cookies();
  const chosen = jar.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : negotiateLocale((await headers()).get("accept-language"));
  const messages = await loadMessages(locale);
  const timeZone = resolveTimeZone(jar.get(TIME_ZONE_MODE_COOKIE)?.value, jar.get(TIME_ZONE_COOKIE)?.value);
  // `now` pins relative times ("3 hours ago") to this request; the client provider inherits it, the zone and
  // the formats, so server HTML and hydration print the same text.
  return { locale, messages, timeZone, formats, now: new Date() };
});
