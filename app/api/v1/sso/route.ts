import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteSsoSettings, getSsoSettings, putSsoSettings, ssoSettingsInput } from "@/lib/services/sso";
import { ssoRedirectUri } from "@/lib/sso/urls";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ method: "GET", path: "/api/v1/sso", permission: "settings.manage" }, (ctx, req) => getSsoSettings(ctx, ssoRedirectUri(req.headers, req.url)));

export const PUT = apiRoute({ method: "PUT", path: "/api/v1/sso", permission: "settings.manage" }, async (ctx, req) =>
  putSsoSettings(ctx, await readJson(req, ssoSettingsInput), ssoRedirectUri(req.headers, req.url)),
);

export const DELETE = apiRoute({ method: "DELETE", path: "/api/v1/sso", permission: "settings.manage" }, (ctx, req) => deleteSsoSettings(ctx, ssoRedirectUri(req.headers, req.url)));
