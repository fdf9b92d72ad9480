// Plain hashing, kept apart from secrets.ts so that importing it never touches key configuration.
import { createHash } from "node:crypto";

/** Lower-case hex SHA-256; a string is hashed as its UTF-8 bytes. */
export function sha256Hex(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("hex");
}
