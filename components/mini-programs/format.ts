// Byte sizes: one formatter for the console, shared with the findings' parameters.
export { formatBytes } from "@/lib/packages/finding-text";
