import { describe, expect, it } from "vitest";
import { describeDelta, NO_BASE, type DeltaFormatters } from "./delta";

const en = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const f: DeltaFormatters = {
  count: (n) => en.format(n),
  duration: (ms) => `${Math.round(ms / 1000)}s`,
  percent: (n) => new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(n),
  points: (n) => `${en.format(n)} pp`,
};

describe("describeDelta", () => {
  it("gives a count's change in the count and in percent, with an arrow", () => {
    expect(describeDelta(1234, 1000, "count", true, f)).toEqual({ absolute: "+234", relative: "+23.4%", arrow: "▲", tone: "text-success", value: 234 });
    expect(describeDelta(900, 1000, "count", true, f)).toMatchObject({ absolute: "−100", relative: "−10%", arrow: "▼", tone: "text-danger", value: -100 });
  });

  it("says — when the previous figure is 0 or unknown, or the current one unknown", () => {
    for (const [value, base] of [[5, 0], [5, null], [null, 5], [0, 0]] as const) {
      expect(describeDelta(value, base, "count", true, f)).toEqual({ absolute: NO_BASE, relative: NO_BASE, arrow: "", tone: "text-muted-fg", value: null });
    }
  });

  it("respects meaning: a rising error rate is bad, a falling one good, in percentage points", () => {
    expect(describeDelta(0.015, 0.01, "ratio", false, f)).toMatchObject({ absolute: "+0.5 pp", relative: "+50%", tone: "text-danger" });
    expect(describeDelta(0.01, 0.02, "ratio", false, f)).toMatchObject({ absolute: "−1 pp", relative: "−50%", tone: "text-success" });
  });

  it("writes a duration's change as a duration", () => {
    expect(describeDelta(95_000, 80_000, "duration", true, f)).toMatchObject({ absolute: "+15s", relative: "+18.8%", tone: "text-success" });
  });

  it("gives no sign to a change that rounds to nothing", () => {
    expect(describeDelta(0.0120001, 0.012, "ratio", false, f).absolute).toBe("0 pp");
    expect(describeDelta(80_200, 80_000, "duration", true, f).absolute).toBe("0s");
  });

  it("keeps no change neutral", () => {
    expect(describeDelta(10, 10, "count", true, f)).toEqual({ absolute: "0", relative: "0%", arrow: "", tone: "text-muted-fg", value: 0 });
  });
});
