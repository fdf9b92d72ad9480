// Which entry names are safe to carry: a package is served file by file and unpacked by host runtimes.

/**
 * Why `name` is not a safe relative path inside the package, or null when it is. Names must be canonical
 * (no empty, "." or ".." segments) so that one file has exactly one name and duplicate checks hold.
 */
export function unsafePathReason(name: string, nameRaw?: Buffer): string | null {
  if (nameRaw?.includes(0) || name.includes("\0")) return "it contains a NUL byte";
  if (/[\u0001-\u001f\u007f]/.test(name)) return "it contains a control character";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.startsWith("/")) return "it is absolute";
  if (/^[A-Za-z]:/.test(name)) return "it starts with a drive letter";
  if (name === "") return "it is empty";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  if (segments.includes("..")) return 'it has a ".." segment';
  if (segments.includes(".") || segments.includes("")) return "it has an empty or . segment";
  return null;
}
