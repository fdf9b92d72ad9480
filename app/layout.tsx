import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { THEME_COOKIE } from "@/lib/i18n/config";
import { TIME_ZONE_MODE_COOKIE } from "@/lib/i18n/time-zone";
import { TimeZoneSync } from "@/components/time-zone-sync";
import { Providers } from "./providers";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return {
    // Pages give their own title; the template adds the product, so a tab reads "Reviews · Demo Enterprise · Atrium".
    title: { default: t("appName"), template: `%s · ${t("appName")}` },
    description: t("description"),
    applicationName: t("appName"),
    // Files under public/ (made from public/icon.svg by scripts/make-icons.sh); the manifest is app/manifest.ts.
    icons: {
      icon: [
        { url: "/favicon.ico", sizes: "48x48" },
        { url: "/icon.svg", type: "image/svg+xml" },
      ],
      apple: [{ url: "/apple-touch-icon.png", sizes: "180x180" }],
    },
    manifest: "/manifest.webmanifest",
  };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#171b23" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  const jar = await cookies();
  const theme = jar.get(THEME_COOKIE)?.value;
  const themeClass = theme === "dark" ? "dark" : theme === "light" ? "light" : "";
  const tzMode = jar.get(TIME_ZONE_MODE_COOKIE)?.value === "utc" ? "utc" : "auto";
  return (
    <html lang={locale} className={themeClass}>
      <body className="min-h-screen font-sans antialiased">
        {/* Locale, messages, formats, time zone and `now` come from lib/i18n/request.ts, the same as the server's. */}
        <NextIntlClientProvider>
          <TimeZoneSync mode={tzMode} />
          <Providers>{children}</Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
