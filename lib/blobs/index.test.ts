import { describe, expect, it } from "vitest";
import { defaultBlobDir } from "./index";

describe("defaultBlobDir", () => {
  it("keeps .data/blobs for the embedded database", () => {
    expect(defaultBlobDir(undefined)).toBe(".data/blobs");
  });

  it("gives each PostgreSQL database its own store, whatever the credentials or options", () => {
    const a = defaultBlobDir("postgres://u:p@db.internal:5432/atrium");
    expect(a).toMatch(/^\.data\/blobs-pg-[0-9a-f]{12}$/);
    expect(defaultBlobDir("postgres://other:secret@db.internal/atrium?sslmode=require")).toBe(a);
    expect(defaultBlobDir("postgres://u:p@db.internal:5432/atrium_staging")).not.toBe(a);
    expect(defaultBlobDir("postgres://u:p@db2.internal:5432/atrium")).not.toBe(a);
  });
});
