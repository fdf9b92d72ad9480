// Which webhook URLs the console may call. Webhooks make the server send requests to addresses that
// members type in, so in production nothing may point into the server's own network (SSRF): loopback,
// private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and reserved ranges.
// Development and tests may call a receiver on the local machine over plain http.
import { BlockList, isIP } from "node:net";

export type WebhookUrlPolicy = {
  /** Plain http to localhost, 127.0.0.1 or [::1]. */
  allowLocalHttp: boolean;
  /** Refuse hosts that are, or resolve to, non-public addresses. */
  blockPrivate: boolean;
};

type Env = Record<string, string | undefined>;

export function webhookUrlPolicy(env: Env = process.env): WebhookUrlPolicy {
  const production = env.NODE_ENV === "production";
  const override = env.ATRIUM_ALLOW_HTTP_WEBHOOKS === "1";
  return { allowLocalHttp: !production || override, blockPrivate: production && !override };
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** True for any address a webhook must not reach in production. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const kind = isIP(bare);
  if (kind === 4) return blocked.check(bare, "ipv4");
  if (kind === 6) {
    // IPv4-mapped and -compatible forms reach the IPv4 address they carry.
    const mapped = bare.match(/^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i);
    if (mapped) return blocked.check(mapped[1]!, "ipv4");
    const hexMapped = bare.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i);
    if (hexMapped) {
      const hi = parseInt(hexMapped[1]!, 16);
      const lo = parseInt(hexMapped[2]!, 16);
      return blocked.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, "ipv4");
    }
    return blocked.check(bare, "ipv6");
  }
  return true;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

// Names that never lead to a public receiver: loopback aliases, special-use and private-use suffixes
// (RFC 6761, 6762, 8375, and the ones clouds and routers hand out), and wildcard-DNS services whose names
// exist only to map onto an address written in the name (127.0.0.1.nip.io, 10-0-0-1.sslip.io).
const INTERNAL_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "broadcasthost"]);
const INTERNAL_SUFFIXES = [
  "localhost", "localdomain", "local", "internal", "intranet", "lan", "home", "home.arpa", "corp", "private",
  "arpa", "test", "invalid", "example", "onion", "alt",
];
const ADDRESS_IN_NAME_SERVICES = ["nip.io", "sslip.io", "xip.io", "nip.direct", "traefik.me", "localtest.me", "lvh.me", "vcap.me", "lacolhost.com", "local.gd", "backname.io"];

const under = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/** An IPv4 address written into the name, dotted across labels or dashed within one (`ip-10-0-0-1`). */
function embeddedIpv4(host: string): string[] {
  const found: string[] = [];
  for (const m of host.matchAll(/(?:^|[^0-9])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=$|[^0-9])/g)) {
    const octets = m.slice(1, 5).map(Number);
    if (octets.every((o) => o <= 255)) found.push(octets.join("."));
  }
  return found;
}

/** Why this host name is obviously internal, or null. Resolution is checked again at every delivery. */
export function internalNameReason(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (INTERNAL_NAMES.has(host) || INTERNAL_SUFFIXES.some((s) => under(host, s))) return "Webhook URLs must not point at an internal or reserved host name";
  if (ADDRESS_IN_NAME_SERVICES.some((s) => under(host, s))) return "Webhook URLs must not use a wildcard-DNS name that maps onto an address";
  if (embeddedIpv4(host).some(isNonPublicAddress)) return "Webhook URLs must not use a name that spells out a private or reserved address";
  return null;
}
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The checks that need no network; the resolved addresses are checked again at each delivery. */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy = webhookUrlPolicy()): UrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, reason: `The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "Enter a full URL, such as https://example.com/hooks/atrium" };
  }
  if (url.username || url.password) return { ok: false, reason: "The URL must not carry a user name or password" };
  if (url.hash) return { ok: false, reason: "The URL must not have a #fragment" };
  const host = url.hostname.toLowerCase();
  const local = LOCAL_HOSTS.has(host) || host.endsWith(".localhost");
  if (url.protocol === "http:") {
    if (policy.allowLocalHttp && local) return { ok: true, url };
    return { ok: false, reason: "Webhook URLs must use https://" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "Webhook URLs must use https://" };
  if (policy.blockPrivate) {
    if (local) return { ok: false, reason: "Webhook URLs must not point at this server" };
    if (isIP(host.replace(/^\[|\]$/g, "")) && isNonPublicAddress(host)) return { ok: false, reason: "Webhook URLs must not point at a private or reserved address" };
    if (!host.includes(".")) return { ok: false, reason: "Use a fully qualified host name" };
    const internal = internalNameReason(host);
    if (internal) return { ok: false, reason: internal };
  }
  return { ok: true, url };
}
