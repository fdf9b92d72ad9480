// Typed next-intl formats: `format.dateTime(d, "dateTimeZone")` only accepts the console's presets by name.
import type { formats } from "@/lib/i18n/format";

declare module "next-intl" {
  interface AppConfig {
    Formats: typeof formats;
  }
}
