// The browsable API reference: the OpenAPI document of /api/v1 and the SDK API rendered on the server, so it
// is always the served document and adds no client JavaScript. Any member may read it.
import { getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { buildOpenApiDocument } from "@/lib/api/openapi/document";
import { SchemaBlock, schemaAnchor, type JsonSchema } from "@/components/api-reference/schema-view";
import { Badge, Card, PageHeader } from "@/components/ui/layout";

type Param = { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema; $ref?: string };
type Response = { description?: string; $ref?: string; content?: Record<string, { schema?: JsonSchema }> };
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: Param[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, Response>;
};

const METHOD_TONE = { get: "info", post: "success", patch: "warning", put: "warning", delete: "danger" } as const;

export default async function ApiReferencePage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  await getPageContext(org);
  const t = await getTranslations("apiReference");
  const doc = buildOpenApiDocument();
  const components = doc.components as { schemas: Record<string, JsonSchema>; parameters: Record<string, Param>; responses: Record<string, Response> };
  const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ path, method: method as keyof typeof METHOD_TONE, op: op as unknown as Operation })),
  );
  const tags = [...new Set(ops.map((o) => o.op.tags[0]!))];
  const resolveParam = (p: Param): Param => (p.$ref ? components.parameters[p.$ref.split("/").pop()!]! : p);
  const resolveResponse = (r: Response): Response => (r.$ref ? components.responses[r.$ref.split("/").pop()!]! : r);

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <a
            href="/api/v1/openapi.json"
            className="inline-flex h-9 items-center rounded-md border border-border px-3 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2"
          >
            {t("download")}
          </a>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[14rem_minmax(0,1fr)]">
        <nav aria-label={t("contents")} className="lg:sticky lg:top-4 lg:self-start">
          <ul className="space-y-3 text-sm">
            {tags.map((tag) => (
              <li key={tag}>
                <a href={`#tag-${tag.replace(/\W+/g, "-")}`} className="font-medium hover:underline">
                  {tag}
                </a>
                <ul className="mt-1 space-y-0.5 border-l border-border pl-3">
                  {ops
                    .filter((o) => o.op.tags[0] === tag)
                    .map((o) => (
                      <li key={o.op.operationId}>
                        <a href={`#${o.op.operationId}`} className="text-muted-fg hover:text-fg hover:underline">
                          {o.op.summary}
                        </a>
                      </li>
                    ))}
                </ul>
              </li>
            ))}
            <li>
              <a href="#schemas" className="font-medium hover:underline">
                {t("schemas")}
              </a>
            </li>
          </ul>
        </nav>
        <div className="min-w-0 space-y-8">
          <Card title={t("basicsTitle")}>
            <ul className="list-disc space-y-1 pl-5 text-sm">
              <li>{t("basicsAuth")}</li>
              <li>{t("basicsErrors")}</li>
              <li>{t("basicsIdempotency")}</li>
              <li>{t("basicsRateLimit")}</li>
              <li>{t("basicsSdk")}</li>
            </ul>
          </Card>
          {tags.map((tag) => (
            <section key={tag} id={`tag-${tag.replace(/\W+/g, "-")}`} className="scroll-mt-4 space-y-4">
              <h2 className="text-lg font-semibold">{tag}</h2>
              {ops
                .filter((o) => o.op.tags[0] === tag)
                .map(({ path, method, op }) => (
                  <article key={op.operationId} id={op.operationId} className="scroll-mt-4 rounded-lg border border-border bg-card p-4" aria-labelledby={`${op.operationId}-title`}>
                    <h3 id={`${op.operationId}-title`} className="flex flex-wrap items-center gap-2">
                      <Badge tone={METHOD_TONE[method]}>{method.toUpperCase()}</Badge>
                      <code className="font-mono text-sm break-all">{path}</code>
                    </h3>
                    <p className="mt-2 text-sm font-medium">{op.summary}</p>
                    {op.description?.split("\n\n").map((para, i) => (
                      <p key={i} className="mt-1 text-sm text-muted-fg">
                        {para}
                      </p>
                    ))}
                    <p className="mt-1 text-xs text-muted-fg">
                      {op.security.length === 0 ? t("authNone") : "bearerToken" in op.security[0]! ? t("authToken") : t("authSdk")}
                    </p>
                    {op.parameters && op.parameters.length > 0 && (
                      <div className="mt-3">
                        <h4 className="text-xs font-medium uppercase tracking-wide text-muted-fg">{t("parameters")}</h4>
                        <ul className="mt-1 space-y-1 text-sm">
                          {op.parameters.map(resolveParam).map((p) => (
                            <li key={`${p.in}-${p.name}`}>
                              <code className="font-mono text-xs font-semibold">{p.name}</code> <span className="text-xs text-muted-fg">({p.in})</span>
                              {p.required && <span className="ml-1 text-xs text-danger">required</span>}
                              {p.description && <p className="text-xs text-muted-fg">{p.description}</p>}
                            </li>
                          ))}
                        </ul>
                      </div>
                    )}
                    {op.requestBody && (
                      <div className="mt-3">
                        <h4 className="text-xs font-medium uppercase tracking-wide text-muted-fg">
                          {t("requestBody")} · <span className="normal-case">{Object.keys(op.requestBody.content).join(", ")}</span>
                        </h4>
                        {op.requestBody.description && <p className="text-xs text-muted-fg">{op.requestBody.description}</p>}
                        {Object.values(op.requestBody.content).map((c, i) => c.schema && <SchemaBlock key={i} schema={c.schema} />)}
                      </div>
                    )}
                    <div className="mt-3">
                      <h4 className="text-xs font-medium uppercase tracking-wide text-muted-fg">{t("responses")}</h4>
                      <ul className="mt-1 space-y-2 text-sm">
                        {Object.entries(op.responses).map(([status, raw]) => {
                          const r = resolveResponse(raw);
                          const schema = r.content ? Object.values(r.content)[0]?.schema : undefined;
                          return (
                            <li key={status}>
                              <Badge tone={Number(status) < 400 ? "success" : "neutral"}>{status}</Badge> <span className="text-sm">{r.description}</span>
                              {schema && Number(status) < 400 && (
                                <div className="mt-1">
                                  <SchemaBlock schema={schema} />
                                </div>
                              )}
                            </li>
                          );
                        })}
                      </ul>
                    </div>
                  </article>
                ))}
            </section>
          ))}
          <section id="schemas" className="scroll-mt-4 space-y-4">
            <h2 className="text-lg font-semibold">{t("schemas")}</h2>
            {Object.entries(components.schemas).map(([name, schema]) => (
              <div key={name} id={schemaAnchor(name)} className="scroll-mt-4 rounded-lg border border-border bg-card p-4">
                <h3 className="font-mono text-sm font-semibold">{name}</h3>
                {schema.description && <p className="mt-1 text-sm text-muted-fg">{schema.description}</p>}
                <div className="mt-2">
                  <SchemaBlock schema={schema} />
                </div>
              </div>
            ))}
          </section>
        </div>
      </div>
    </>
  );
}
