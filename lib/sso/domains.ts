// Email domains an organization signs in through its identity provider: normalised one way everywhere (lower case,
// IDNA's ASCII form, no trailing dot), so "Example.COM." and "example.com" are one claim.
import { domainToASCII } from "node:url";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The domain in its one stored form, or null when it is not a domain name people have email addresses at. */
export function normalizeDomain(raw: string): string | null {
  const trimmed = raw.trim().toLowerCase().replace(/\.$/, "");
  if (!trimmed || trimmed.length > 253 || trimmed.includes("@") || trimmed.includes("/")) return null;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // An address literal or a numeric top-level label is not a mail domain.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/** The domain part of an email address, normalised; null when there is none. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  return normalizeDomain(email.slice(at + 1));
}
