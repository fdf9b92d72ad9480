// Issue 12, item 7: obviously internal names are refused when a webhook is registered (production policy);
// what a name resolves to is checked again at every delivery (transport.test.ts).
import { describe, expect, it } from "vitest";
import { checkWebhookUrl, webhookUrlPolicy } from "./url-policy";

const prod = webhookUrlPolicy({ NODE_ENV: "production" });

describe("registration refuses internal host names", () => {
  it.each([
    "https://localhost.localdomain/h",
    "https://localhost./h",
    "https://db.localhost/h",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://ip-10-0-0-12.ec2.internal/h",
    "https://printer.local/h",
    "https://router.lan/h",
    "https://nas.home.arpa/h",
    "https://1.0.0.127.in-addr.arpa/h",
    "https://hooks.test/h",
    "https://127.0.0.1.nip.io/h",
    "https://app.10.0.0.1.nip.io/h",
    "https://10-0-0-1.sslip.io/h",
    "https://magic-7f000001.nip.io/h",
    "https://anything.localtest.me/h",
    "https://lvh.me/h",
    "https://169.254.169.254.example.com/h",
    "https://ip-192-168-1-10.example.com/h",
    "https://HOOKS.INTERNAL/h",
  ])("%s", (url) => {
    const r = checkWebhookUrl(url, prod);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/internal|wildcard|private or reserved|this server/);
  });
});

describe("registration keeps public names", () => {
  it.each([
    "https://hooks.example.com/atrium",
    "https://ec2-54-12-3-4.compute-1.amazonaws.com/h",
    "https://api.1.2.3.example.com/h",
    "https://local-news.com/h",
    "https://internal-tools.example.com/h",
    "https://v1-2-3-4.releases.example.com/h",
  ])("%s", (url) => {
    expect(checkWebhookUrl(url, prod)).toMatchObject({ ok: true });
  });
});
