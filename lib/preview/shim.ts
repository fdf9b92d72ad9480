// What the preview frame runs besides the package: a tiny page runtime (Page(), setData with {{path}} bindings,
// bindtap, <navigator url>) and the `mp` global, every call of which is posted to the console and answered from
// there (lib/preview/decide.ts). Served as a file of the preview (`__atrium/shim.js`), since the frame's CSP takes
// scripts from the preview's own path only: no inline script anywhere.
import { escapeHtml } from "@/lib/html";

/** The protocol's message tags: the frame posts `atrium-preview`, the console answers `atrium-preview-result`. */
export const PREVIEW_MESSAGE = "atrium-preview";
export const PREVIEW_RESULT = "atrium-preview-result";

/** Where the shim lives under a preview's base URL; package paths never start with `__atrium/`. */
export const SHIM_PATH = "__atrium/shim.js";
export const SHIM_CSS_PATH = "__atrium/shim.css";

export const SHIM_CSS = `view,text,navigator,image,button,scroll-view{display:block}text{display:inline}
navigator{color:#2563eb;text-decoration:underline;cursor:pointer}
body{font:14px/1.5 system-ui,sans-serif;margin:12px;color:#111;background:#fff}`;

export const SHIM_JS = `(function () {
  "use strict";
  var me = document.currentScript;
  var base = me.src.replace(/__atrium\\/shim\\.js.*$/, "");
  var page = me.getAttribute("data-page") || "";
  var seq = 0, pending = {}, sent = 0;
  function clip(value) {
    var s;
    try { s = JSON.stringify(value, function (k, v) { return typeof v === "function" ? "[function]" : v; }); } catch (e) { s = '"[unserialisable]"'; }
    if (s === undefined) return null;
    if (s.length > 2000) return { truncated: s.slice(0, 2000) };
    return JSON.parse(s);
  }
  function post(msg) {
    // A page that calls in a loop must not flood the console: after 2,000 messages it is told about no more.
    sent += 1;
    if (sent > 2000) { if (sent === 2001) parent.postMessage({ tag: "${PREVIEW_MESSAGE}", type: "flood" }, "*"); return; }
    msg.tag = "${PREVIEW_MESSAGE}";
    parent.postMessage(msg, "*");
  }
  window.addEventListener("message", function (e) {
    if (e.source !== parent) return;
    var m = e.data;
    if (!m || m.tag !== "${PREVIEW_RESULT}" || !pending[m.id]) return;
    var done = pending[m.id];
    delete pending[m.id];
    done(m);
  });
  function resolveUrl(url) {
    if (typeof url !== "string" || !url) return null;
    var target = url.charAt(0) === "/" ? new URL(url.slice(1), base) : new URL(url, location.href);
    return target.href.indexOf(base) === 0 ? target.href : null;
  }
  function navigate(api, opts) {
    var url = opts && opts.url;
    var to = resolveUrl(url);
    post({ type: "nav", api: api, url: typeof url === "string" ? url.slice(0, 300) : null, ok: !!to });
    if (to) location.href = to;
    return Promise.resolve({});
  }
  function call(api, args) {
    var opts = args && typeof args === "object" ? args : {};
    var id = ++seq;
    var p = new Promise(function (resolve, reject) {
      pending[id] = function (m) {
        if (m.ok) {
          try { if (typeof opts.success === "function") opts.success(m.data); } finally { if (typeof opts.complete === "function") opts.complete(m.data); }
          resolve(m.data);
        } else {
          var err = { errMsg: api + ":fail " + m.error };
          try { if (typeof opts.fail === "function") opts.fail(err); } finally { if (typeof opts.complete === "function") opts.complete(err); }
          reject(err);
        }
      };
    });
    p.catch(function () {});
    post({ type: "call", id: id, api: api, args: clip(args) });
    return p;
  }
  function apiGlobal(prefix) {
    return new Proxy({}, {
      get: function (t, name) {
        if (typeof name !== "string" || name === "then") return undefined;
        if (!prefix && (name === "navigateTo" || name === "redirectTo" || name === "reLaunch" || name === "switchTab")) return function (o) { return navigate(name, o); };
        if (!prefix && name === "navigateBack") return function () { post({ type: "nav", api: name, url: null, ok: true }); history.back(); return Promise.resolve({}); };
        return function (args) { return call(prefix + name, args); };
      },
      set: function () { return false; }
    });
  }
  window.mp = apiGlobal("");
  ["wx", "my", "swan", "tt"].forEach(function (g) { window[g] = apiGlobal(g + "."); });
  window.App = function () {};
  window.getApp = function () { return {}; };
  window.addEventListener("error", function (e) { post({ type: "error", message: String(e.message || "error").slice(0, 500) }); });
  window.addEventListener("unhandledrejection", function (e) {
    var r = e.reason;
    if (r && typeof r.errMsg === "string") return;
    post({ type: "error", message: String(r && r.message || r).slice(0, 500) });
  });

  var root = null, template = "", instance = null;
  function lookup(data, path) {
    return path.split(".").reduce(function (v, k) { return v == null ? undefined : v[k]; }, data);
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function findRoot() {
    if (!root) {
      root = document.getElementById("mp-page");
      template = root ? root.innerHTML : "";
    }
    return root;
  }
  function render() {
    if (!findRoot()) return;
    var data = instance ? instance.data : {};
    root.innerHTML = template.replace(/\\{\\{\\s*([A-Za-z_$][\\w$]*(?:\\.[\\w$]+)*)\\s*\\}\\}/g, function (m, path) {
      var v = lookup(data, path);
      return v == null ? "" : escapeHtml(typeof v === "object" ? JSON.stringify(v) : v);
    });
  }
  function query() {
    var q = {};
    new URLSearchParams(location.search).forEach(function (v, k) { q[k] = v; });
    return q;
  }
  window.Page = function (def) {
    instance = def && typeof def === "object" ? def : {};
    instance.data = Object.assign({}, instance.data);
    instance.setData = function (patch) { Object.assign(instance.data, patch || {}); render(); };
    render();
    ["onLoad", "onShow", "onReady"].forEach(function (hook) {
      if (typeof instance[hook] === "function") {
        try { instance[hook](hook === "onLoad" ? query() : undefined); } catch (e) { post({ type: "error", message: hook + ": " + String(e && e.message || e).slice(0, 500) }); }
      }
    });
  };
  document.addEventListener("DOMContentLoaded", function () {
    findRoot();
    post({ type: "page", page: page, query: query() });
  });
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[bindtap],[catchtap],navigator[url]") : null;
    if (!el) return;
    if (el.tagName.toLowerCase() === "navigator") { e.preventDefault(); navigate("navigator", { url: el.getAttribute("url") }); return; }
    var handler = el.getAttribute("bindtap") || el.getAttribute("catchtap");
    if (instance && typeof instance[handler] === "function") {
      try { instance[handler].call(instance, { type: "tap", currentTarget: { dataset: Object.assign({}, el.dataset) } }); } catch (err) { post({ type: "error", message: handler + ": " + String(err && err.message || err).slice(0, 500) }); }
    }
  });
})();
`;

/**
 * The document for one page of the package: the shim first, the page's own stylesheet and template, its script
 * last (so `Page()` finds the template). Paths are relative to the preview's base, which the document sets as
 * `<base>`; `base-uri 'self'` keeps a package from moving it elsewhere.
 */
export function composePage(opts: { base: string; page: string; html: string; hasCss: boolean; hasJs: boolean; title: string }): string {
  const { base, page } = opts;
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(opts.title)}</title>`,
    `<base href="${escapeHtml(base)}">`,
    `<link rel="stylesheet" href="${SHIM_CSS_PATH}">`,
    `<script src="${SHIM_PATH}" data-page="${escapeHtml(page)}"></script>`,
    opts.hasCss ? `<link rel="stylesheet" href="${escapeHtml(page)}.css">` : "",
    "</head><body>",
    `<div id="mp-page">${opts.html}</div>`,
    opts.hasJs ? `<script src="${escapeHtml(page)}.js"></script>` : "",
    "</body></html>",
  ].join("\n");
}
