// Renders JSON Schema (2020-12, as zod emits it) of the OpenAPI document as a readable nested list: field,
// type, required, constraints. Server-only markup, no client script: the reference costs no JavaScript.
import type { ReactNode } from "react";

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
  contentMediaType?: string;
};

const refName = (ref: string) => ref.split("/").pop()!;
export const schemaAnchor = (name: string) => `schema-${name}`;

/** A one-line type: `string (date-time)`, `Host[]`, `"a" | "b"`, `string | null`. */
export function typeLabel(s: JsonSchema): ReactNode {
  if (s.$ref) {
    const name = refName(s.$ref);
    return (
      <a href={`#${schemaAnchor(name)}`} className="text-primary underline-offset-2 hover:underline">
        {name}
      </a>
    );
  }
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    return alts.map((a, i) => (
      <span key={i}>
        {i > 0 && " | "}
        {typeLabel(a)}
      </span>
    ));
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  if (type === "array" && s.items) return <>{typeLabel(s.items)}[]</>;
  if (s.contentMediaType) return `${s.contentMediaType} bytes`;
  return `${type ?? "any"}${s.format ? ` (${s.format})` : ""}`;
}

function constraints(s: JsonSchema): string[] {
  const out: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) out.push(`${s.minLength ?? 0}–${s.maxLength ?? "∞"} chars`);
  if (s.minimum !== undefined || s.maximum !== undefined) out.push(`${s.minimum ?? "−∞"}–${s.maximum ?? "∞"}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) out.push(`${s.minItems ?? 0}–${s.maxItems ?? "∞"} items`);
  if (s.pattern) out.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out;
}

/** The object whose fields to list: the schema itself, an array's items, or the object branch of a nullable. */
function objectOf(s: JsonSchema): JsonSchema | null {
  if (s.properties) return s;
  if (s.type === "array" && s.items && !s.items.$ref) return objectOf(s.items);
  for (const a of s.anyOf ?? s.oneOf ?? []) if (a.properties) return a;
  return null;
}

export function SchemaFields({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const obj = objectOf(schema);
  if (!obj?.properties || depth > 6) return null;
  return (
    <ul className={`space-y-1 text-sm ${depth > 0 ? "mt-1 border-l border-border pl-3" : ""}`}>
      {Object.entries(obj.properties).map(([name, field]) => (
        <li key={name}>
          <code className="font-mono text-xs font-semibold">{name}</code>{" "}
          <span className="font-mono text-xs text-muted-fg">{typeLabel(field)}</span>
          {(obj.required ?? []).includes(name) && <span className="ml-1 text-xs text-danger">required</span>}
          {constraints(field).length > 0 && <span className="ml-1 text-xs text-muted-fg">· {constraints(field).join(" · ")}</span>}
          {field.description && <p className="text-xs text-muted-fg">{field.description}</p>}
          <SchemaFields schema={field} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
}

export function SchemaBlock({ schema }: { schema: JsonSchema }) {
  return (
    <div className="rounded-md border border-border bg-muted/40 p-3">
      <div className="font-mono text-xs">{typeLabel(schema)}</div>
      <SchemaFields schema={schema} />
    </div>
  );
}
