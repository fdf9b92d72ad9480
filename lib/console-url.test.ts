import { describe, expect, it } from "vitest";
import { consoleUrl } from "./console-url";

describe("consoleUrl (the seed's sign-in hint)", () => {
  it("uses PORT, as npm start does", () => {
    expect(consoleUrl({ PORT: "4123" }, "/sign-in")).toBe("http://localhost:4123/sign-in");
  });
  it("defaults to port 3000", () => {
    expect(consoleUrl({}, "/sign-in")).toBe("http://localhost:3000/sign-in");
    expect(consoleUrl({ PORT: "not-a-port" }, "/sign-in")).toBe("http://localhost:3000/sign-in");
  });
  it("prefers the public address behind a proxy", () => {
    expect(consoleUrl({ PORT: "4123", AUTH_URL: "https://console.example.com" }, "/sign-in")).toBe("https://console.example.com/sign-in");
    expect(consoleUrl({ AUTH_URL: "https://example.com/atrium/" }, "sign-in")).toBe("https://example.com/atrium/sign-in");
  });
});
