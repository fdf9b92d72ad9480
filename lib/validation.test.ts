import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseQuery } from "./validation";

const schema = z.object({ limit: z.coerce.number().int().max(10).optional(), q: z.string().optional() });

describe("parseQuery, the one query-string parser", () => {
  it("reads the parameters the schema names and ignores the rest", () => {
    expect(parseQuery(new URLSearchParams("limit=5&q=x&utm_source=mail"), schema)).toEqual({ limit: 5, q: "x" });
  });

  it("takes an empty value as absent, unless told not to", () => {
    expect(parseQuery(new URLSearchParams("q=&limit="), schema)).toEqual({});
    expect(() => parseQuery(new URLSearchParams("q=&limit="), z.object({ q: z.string().min(1).optional() }), "Bad", { emptyIsAbsent: false })).toThrow(
      expect.objectContaining({ code: "invalid_input" }),
    );
  });

  it("answers invalid_input with details.fields, the one error shape", () => {
    try {
      parseQuery(new URLSearchParams("limit=99"), schema, "Bad list parameters");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "invalid_input", message: "Bad list parameters", details: { fields: { limit: [expect.any(String)] } } });
    }
  });
});
