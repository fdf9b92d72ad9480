// The permission catalog and package limits of CONTRACT §4, shared by inspection, host policy and the UI.

/** Every permission a manifest may declare, mapped to the `mp` APIs that need it. */
export const PERMISSION_APIS = {
  location: ["getLocation", "chooseLocation", "startLocationUpdate"],
  camera: ["scanCode", "createCameraContext", "chooseMedia"],
  microphone: ["getRecorderManager", "startRecord"],
  album: ["chooseImage", "saveImageToPhotosAlbum"],
  bluetooth: ["openBluetoothAdapter", "startBluetoothDevicesDiscovery"],
  contacts: ["chooseContact", "addPhoneContact"],
  userInfo: ["getUserProfile", "getUserInfo"],
  phoneNumber: ["getPhoneNumber"],
  payment: ["requestPayment"],
  clipboard: ["getClipboardData", "setClipboardData"],
  nfc: ["getNFCAdapter", "startHCE"],
} as const satisfies Record<string, readonly string[]>;

export type Permission = keyof typeof PERMISSION_APIS;

export const PERMISSIONS = Object.keys(PERMISSION_APIS) as readonly Permission[];

/** `mp` API name → the permission it needs. APIs absent from this map need none. */
export const API_PERMISSIONS: ReadonlyMap<string, Permission> = new Map(
  PERMISSIONS.flatMap((permission) => PERMISSION_APIS[permission].map((api) => [api, permission] as const)),
);

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSION_APIS, value);
}

export function permissionForApi(api: string): Permission | undefined {
  return API_PERMISSIONS.get(api);
}

/** Globals of other vendors' runtimes: code using them will not run in other hosts. */
export const PLATFORM_GLOBALS = ["wx", "my", "swan", "tt"] as const;

export type Limits = {
  /** The uploaded zip itself. */
  maxPackedBytes: number;
  /** Sum of the real decompressed bytes of every entry. */
  maxUnpackedBytes: number;
  /** Files (directory entries are not files; they are capped separately at the same number). */
  maxFiles: number;
  /** An entry is a bomb when it unpacks to more than `maxRatio` × its packed size AND more than `ratioMinBytes`. */
  maxRatio: number;
  ratioMinBytes: number;
  /** How much of one script (.js, .html) is read into memory and scanned for warnings. */
  maxScanBytesPerFile: number;
  /**
   * Script text parsed (acorn) per package; past it, further files are scanned by tokens only, without scope.
   * Parsing costs several times what tokenizing does, and a 10 MiB upload can unpack to 50 MiB of code.
   */
  maxParsedScriptBytes: number;
  /** app.json larger than this is rejected as manifest_invalid. */
  maxManifestBytes: number;
};

const MiB = 1024 * 1024;

export const LIMITS: Readonly<Limits> = Object.freeze({
  maxPackedBytes: 10 * MiB,
  maxUnpackedBytes: 50 * MiB,
  maxFiles: 2000,
  maxRatio: 100,
  ratioMinBytes: 1 * MiB,
  maxScanBytesPerFile: 2 * MiB,
  // Far above a real mini-program's own code (WeChat caps a package at 2 MiB); a package past it is mostly
  // vendored bundles, where tokens find the same calls and URLs at a fifth of the cost.
  maxParsedScriptBytes: 4 * MiB,
  maxManifestBytes: 1 * MiB,
});

/** Inspection error codes (CONTRACT §4). Any of these rejects the package. */
export const ERROR_CODES = [
  "not_zip",
  "manifest_missing",
  "manifest_invalid",
  "field_missing",
  "version_invalid",
  "version_not_increasing",
  "app_id_mismatch",
  "page_missing",
  "unsafe_path",
  "symlink",
  "duplicate_entry",
  "too_large",
  "too_many_files",
  "compression_ratio",
  "unknown_permission",
  "invalid_domain",
] as const;

/** Inspection warning codes (CONTRACT §4). They go to the reviewer. */
export const WARNING_CODES = ["undeclared_permission", "platform_specific_api", "undeclared_domain"] as const;

export type InspectionErrorCode = (typeof ERROR_CODES)[number];
export type InspectionWarningCode = (typeof WARNING_CODES)[number];
