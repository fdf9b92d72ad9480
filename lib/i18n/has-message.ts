// t.has() without its cost on a miss. use-intl answers a key that is not in the messages by throwing an Error inside
// has() and catching it: a stack trace per miss. The audit log asks it for every changed field and value of 50
// entries, most of which have no label of their own (they are humanized instead), and on the biggest bench
// organization that was the page's largest single cost (186 ms of self time in 150 renders, about 1.2 ms a page).
// This walks the same messages the translator reads, with the same path rule (dot-separated, every part present).
import { useMessages } from "next-intl";

function resolve(from: unknown, path: string): unknown {
  let cur = from;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
    if (cur === null || cur === undefined) return undefined;
  }
  return cur;
}

/** Whether `namespace.key` is in these messages, as a translator for `namespace` answers has(key). */
export function hasMessage(messages: unknown, namespace: string, key: string): boolean {
  return resolve(resolve(messages, namespace), key) !== undefined;
}

/** Whether `namespace.key` is in the request's messages, as useTranslations(namespace).has(key) answers it. */
export function useHasMessage(namespace: string): (key: string) => boolean {
  const root = resolve(useMessages(), namespace);
  return (key) => resolve(root, key) !== undefined;
}
