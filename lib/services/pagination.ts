// Cursor pagination over time-ordered ids: the cursor is the last id seen.
import { AppError } from "@/lib/errors";

export type Page<T> = { items: T[]; nextCursor: string | null };

export function encodeCursor(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[a-z]{2,3}_[0-9a-z]{26}$/.test(id)) throw new AppError("invalid_input", "Bad cursor");
  return id;
}

/** Call with limit + 1 rows fetched. */
export function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(idOf(last)) : null };
}
