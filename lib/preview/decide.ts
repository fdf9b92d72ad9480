// What the preview's `mp` shim answers (issue 17 item 1). The sandboxed frame posts every call to the console; this
// decides it from the package's own manifest, as a host that grants exactly what is declared would: an API whose
// permission is declared answers safe made-up data, one whose permission is not declared is refused, `mp.request`
// (and the other network APIs) only to a declared domain, and never over the network. Pure, so the console and the
// tests share it.
import { API_PERMISSIONS } from "@/lib/packages/catalog";

export type PreviewManifest = { permissions: readonly string[]; domains: readonly string[] };

export type PreviewCall = { api: string; args: unknown };

export type PreviewDecision =
  | { outcome: "answered"; data: unknown; note?: "permission" | "domain" }
  | { outcome: "refused"; reason: "undeclared_permission" | "undeclared_domain" | "invalid_url" | "platform_api"; permission?: string; domain?: string };

/** The `mp` APIs that reach the network, and the argument that names where. */
const NETWORK_APIS: Record<string, string> = { request: "url", uploadFile: "url", downloadFile: "url", connectSocket: "url" };

/** Other vendors' globals the shim also defines, so that a call to them shows instead of throwing. */
export const PLATFORM_GLOBALS = ["wx", "my", "swan", "tt"] as const;

const FAKE: Record<string, unknown> = {
  getLocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 30, speed: 0, altitude: 4 },
  chooseLocation: { name: "Preview Plaza", address: "1 Sample Road", latitude: 31.2304, longitude: 121.4737 },
  startLocationUpdate: {},
  scanCode: { result: "PREVIEW-1234567890", scanType: "QR_CODE", charSet: "utf-8" },
  createCameraContext: {},
  chooseMedia: { tempFiles: [{ tempFilePath: "preview://media/1.jpg", size: 102400, fileType: "image" }], type: "image" },
  getRecorderManager: {},
  startRecord: { tempFilePath: "preview://audio/1.aac" },
  chooseImage: { tempFilePaths: ["preview://image/1.jpg"], tempFiles: [{ path: "preview://image/1.jpg", size: 102400 }] },
  saveImageToPhotosAlbum: {},
  openBluetoothAdapter: {},
  startBluetoothDevicesDiscovery: { isDiscovering: true },
  chooseContact: { phoneNumber: "+1 555 0100", displayName: "Sample Contact" },
  addPhoneContact: {},
  getUserProfile: { userInfo: { nickName: "Preview User", avatarUrl: "", gender: 0, language: "en" } },
  getUserInfo: { userInfo: { nickName: "Preview User", avatarUrl: "", gender: 0, language: "en" } },
  getPhoneNumber: { phoneNumber: "+1 555 0199", countryCode: "1" },
  requestPayment: { errMsg: "requestPayment:ok (preview: nothing was charged)" },
  getClipboardData: { data: "preview clipboard text" },
  setClipboardData: {},
  getNFCAdapter: {},
  startHCE: {},
  getSystemInfo: { platform: "preview", system: "Atrium preview", SDKVersion: "3.2.0", windowWidth: 375, windowHeight: 667, pixelRatio: 2, language: "en" },
  getSystemInfoSync: { platform: "preview", system: "Atrium preview", SDKVersion: "3.2.0", windowWidth: 375, windowHeight: 667, pixelRatio: 2, language: "en" },
  getStorage: { data: null },
  getNetworkType: { networkType: "wifi" },
  login: { code: "preview-login-code" },
};

function argOf(args: unknown, name: string): unknown {
  return args && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>)[name] : undefined;
}

/** `https://host` of a URL the package asks for, or null when it is not an https URL. */
function originOf(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" && !url.username && !url.password ? `https://${url.host.toLowerCase()}` : null;
  } catch {
    return null;
  }
}

export function decidePreviewCall(call: PreviewCall, manifest: PreviewManifest): PreviewDecision {
  const dot = call.api.indexOf(".");
  if (dot > 0 && (PLATFORM_GLOBALS as readonly string[]).includes(call.api.slice(0, dot))) return { outcome: "refused", reason: "platform_api" };
  const api = call.api;
  const permission = API_PERMISSIONS.get(api);
  if (permission) {
    if (!manifest.permissions.includes(permission)) return { outcome: "refused", reason: "undeclared_permission", permission };
    return { outcome: "answered", data: FAKE[api] ?? {}, note: "permission" };
  }
  const urlArg = NETWORK_APIS[api];
  if (urlArg) {
    const raw = argOf(call.args, urlArg);
    const origin = originOf(raw);
    if (!origin) return { outcome: "refused", reason: "invalid_url", domain: typeof raw === "string" ? raw.slice(0, 200) : undefined };
    const declared = manifest.domains.map((d) => originOf(d)).filter((d): d is string => d !== null);
    if (!declared.includes(origin)) return { outcome: "refused", reason: "undeclared_domain", domain: origin };
    // Never over the network: the frame's own connect-src is 'none', and the console does not fetch for it.
    return { outcome: "answered", data: { statusCode: 200, header: { "x-atrium-preview": "1" }, data: { preview: true, url: String(raw) } }, note: "domain" };
  }
  return { outcome: "answered", data: FAKE[api] ?? {} };
}
