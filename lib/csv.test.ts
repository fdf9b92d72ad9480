import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv";

describe("the one CSV encoder", () => {
  it("guards text that a spreadsheet would run, but writes numbers as numbers", () => {
    expect([csvCell("-1+1"), csvCell(-1), csvCell("@SUM(A1)"), csvCell(0.5), csvCell(true)]).toEqual(["'-1+1", "-1", "'@SUM(A1)", "0.5", "true"]);
  });

  it("writes objects as quoted JSON and nothing for null", () => {
    expect([csvCell({ role: ["developer", "admin"] }), csvCell(null), csvCell(undefined)]).toEqual(['"{""role"":[""developer"",""admin""]}"', "", ""]);
  });

  it("ends every row in CRLF and writes no header row for an empty header", () => {
    expect(toCsv(["a"], [[1], ["x\ny"]])).toBe('a\r\n1\r\n"x\ny"\r\n');
    expect(toCsv([], [[1, 2]])).toBe("1,2\r\n");
    expect(toCsv(["a", "b"], [])).toBe("a,b\r\n");
  });
});
