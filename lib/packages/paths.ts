// Which entry names are safe to carry: a package is served file by file and unpacked by host runtimes.

/** Why a name is unsafe; findings.json words each (`unsafe_path.path`). */
export type UnsafePathReason = "nul" | "control" | "backslash" | "absolute" | "drive" | "empty" | "dotdot" | "dotSegment";

/**
 * Why `name` is not a safe relative path inside the package, or null when it is. Names must be canonical
 * (no empty, "." or ".." segments) so that one file has exactly one name and duplicate checks hold. A leading
 * "./" is removed before this check (zip.ts): it is how bsdtar names every file, and harmless.
 */
export function unsafePathReason(name: string, nameRaw?: Buffer): UnsafePathReason | null {
  if (nameRaw?.includes(0) || name.includes("\0")) return "nul";
  if (/[\u0001-\u001f\u007f]/.test(name)) return "control";
  if (name.includes("\\")) return "backslash";
  if (name.startsWith("/")) return "absolute";
  if (/^[A-Za-z]:/.test(name)) return "drive";
  if (name === "") return "empty";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  if (segments.includes("..")) return "dotdot";
  if (segments.includes(".") || segments.includes("")) return "dotSegment";
  return null;
}
