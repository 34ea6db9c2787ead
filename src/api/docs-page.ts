/**
 * `GET /docs`: the interactive API reference. One self-contained HTML page (no CDN, no build
 * step): its script reads /openapi.json and renders every operation with its parameters and a
 * "try it" form that calls the API and shows the answer (a form-encoded POST for operations with
 * a form body, such as the legacy /records; their examples are buttons that fill the form and run
 * it). Everything from the document is put in the page with textContent, never as HTML.
 */

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>oa-citations API reference</title>
<style>
  :root { --fg: #1d232a; --muted: #5b6570; --line: #d9dee3; --accent: #0b5cad; --bg2: #f5f7f9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
  header { padding: 1.2rem 2rem; border-bottom: 1px solid var(--line); display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 1.3rem; margin: 0; }
  header label { color: var(--muted); font-size: .9rem; }
  main { display: grid; grid-template-columns: 16rem 1fr; }
  nav { border-right: 1px solid var(--line); padding: 1rem; position: sticky; top: 0; height: 100vh; overflow: auto; }
  nav h3 { font-size: .8rem; text-transform: uppercase; color: var(--muted); margin: 1rem 0 .3rem; }
  nav a { display: block; color: var(--fg); text-decoration: none; font-size: .88rem; padding: .15rem 0; }
  nav a:hover { color: var(--accent); }
  #ops { padding: 1rem 2rem 4rem; min-width: 0; }
  section.op { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0 1.5rem; }
  section.op > h2 { margin: 0; padding: .6rem 1rem; font-size: 1rem; background: var(--bg2); border-bottom: 1px solid var(--line); font-family: ui-monospace, monospace; }
  .method { color: #fff; background: var(--accent); border-radius: 3px; padding: 0 .4rem; margin-right: .5rem; text-transform: uppercase; font-size: .8rem; }
  .body { padding: .5rem 1rem 1rem; }
  .summary { font-weight: 600; }
  .desc { color: var(--muted); }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
  td, th { text-align: left; vertical-align: top; padding: .3rem .4rem; border-top: 1px solid var(--line); font-size: .88rem; }
  th { color: var(--muted); font-weight: 500; }
  td.name { font-family: ui-monospace, monospace; white-space: nowrap; }
  td.name .req { color: #b3261e; }
  input, select { font: inherit; padding: .2rem .4rem; width: 100%; min-width: 10rem; border: 1px solid var(--line); border-radius: 4px; }
  button { font: inherit; padding: .3rem 1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
  .url { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; color: var(--muted); margin: .5rem 0; }
  pre { background: var(--bg2); border: 1px solid var(--line); border-radius: 4px; padding: .6rem; overflow: auto; max-height: 30rem; font-size: .82rem; }
  .status { font-weight: 600; }
  details summary { cursor: pointer; color: var(--muted); font-size: .88rem; }
  pre.sheet { white-space: pre-wrap; max-height: none; }
  .examples { display: flex; flex-wrap: wrap; gap: .4rem; margin: .4rem 0 .6rem; }
  button.example { background: var(--bg2); color: var(--accent); border: 1px solid var(--line); }
  @media (max-width: 800px) { main { grid-template-columns: 1fr; } nav { display: none; } }
</style>
</head>
<body>
<header>
  <h1 id="title">API reference</h1>
  <label>X-API-KEY <input id="apikey" type="password" placeholder="only if the gateway requires one" autocomplete="off"></label>
  <a href="/openapi.json">openapi.json</a>
</header>
<main>
  <nav id="nav"></nav>
  <div id="ops"><p>Loading /openapi.json ...</p></div>
</main>
<script>
"use strict";
const MAX_TEXT = 64 * 1024;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function resolve(doc, schema) {
  if (schema && schema.$ref) return doc.components.schemas[schema.$ref.split("/").pop()] || schema;
  return schema || {};
}

function typeLabel(schema) {
  if (!schema) return "";
  if (schema.type === "array") return "list of " + typeLabel(schema.items || {});
  if (schema.enum) return schema.enum.join(" | ");
  let t = schema.type || "any";
  if (schema.minimum !== undefined || schema.maximum !== undefined) t += " [" + (schema.minimum ?? "") + ".." + (schema.maximum ?? "") + "]";
  if (schema.pattern) t += " matching " + schema.pattern;
  return t;
}

function inputFor(param) {
  const s = param.schema || {};
  if (s.enum) {
    const select = el("select", { name: param.name }, el("option", { value: "" }, ""));
    for (const v of s.enum) select.append(el("option", v === s.default ? { value: v, selected: "selected" } : { value: v }, v));
    return select;
  }
  const attrs = { name: param.name, type: s.type === "integer" ? "number" : "text" };
  if (s.default !== undefined) attrs.value = String(s.default);
  if (s.type === "array") attrs.placeholder = (s.items && s.items.enum) ? s.items.enum.slice(0, 6).join(",") + (s.items.enum.length > 6 ? ",..." : "") : "value, or several separated by commas";
  if (param.in === "path") attrs.required = "required";
  return el("input", attrs);
}

async function showResponse(out, url, res) {
  out.replaceChildren();
  const type = res.headers.get("content-type") || "";
  const head = el("div", {}, el("span", { class: "status" }, res.status + " " + res.statusText), "  " + type);
  const total = res.headers.get("x-total-count");
  if (total) head.append("  X-Total-Count: " + total);
  out.append(head);
  let text;
  if (type.includes("json") && !type.includes("ndjson")) {
    try { text = JSON.stringify(await res.json(), null, 2); } catch (e) { text = String(e); }
  } else {
    // Streams (exports) can be huge: show the start and stop reading.
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    text = "";
    while (text.length < MAX_TEXT) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    if (text.length >= MAX_TEXT) { await reader.cancel(); text = text.slice(0, MAX_TEXT) + "\\n... (cut; open the URL to get everything)"; }
  }
  out.append(el("pre", {}, text));
}

/** Form fields of a form-encoded request body, as parameters "in: body". */
function bodyParams(op) {
  const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/x-www-form-urlencoded"];
  const props = (body && body.schema && body.schema.properties) || {};
  return Object.entries(props).map(([name, schema]) => ({ name, in: "body", schema, description: schema.description }));
}

function renderOperation(doc, path, method, op) {
  const id = op.operationId || (method + path);
  const params = [...(op.parameters || []), ...bodyParams(op)];
  const examples = (op.requestBody && op.requestBody.content && (op.requestBody.content["application/x-www-form-urlencoded"] || {}).examples) || {};
  const rows = params.map((p) => el("tr", {},
    el("td", { class: "name" }, p.name, p.required ? el("span", { class: "req" }, " *") : null, el("div", { class: "desc" }, p.in)),
    el("td", {}, typeLabel(p.schema), p.description ? el("div", { class: "desc" }, p.description) : null),
    el("td", {}, inputFor(p))));
  const form = el("form", {});
  if (rows.length) form.append(el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "type / description"), el("th", {}, "value")), ...rows));
  const urlLine = el("div", { class: "url" });
  const out = el("div", { class: "answer" });
  const exampleButtons = Object.entries(examples).map(([name, ex]) => el("button", { type: "button", class: "example", "data-example": name, onclick: () => {
    for (const p of params) if (p.in === "body") form.elements[p.name].value = (ex.value && ex.value[p.name]) || "";
    form.requestSubmit();
  } }, "Example: " + (ex.summary || name)));
  if (exampleButtons.length) form.append(el("div", { class: "examples" }, ...exampleButtons));
  form.append(el("button", { type: "submit" }, "Try it"), urlLine, out);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let target = path;
    const query = new URLSearchParams();
    const body = new URLSearchParams();
    for (const p of params) {
      const value = form.elements[p.name].value.trim();
      if (!value) continue;
      if (p.in === "path") target = target.replace("{" + p.name + "}", encodeURIComponent(value));
      else if (p.in === "body") body.append(p.name, value);
      else query.append(p.name, value);
    }
    const url = target + (query.toString() ? "?" + query : "");
    const post = method === "post";
    if (post) urlLine.replaceChildren("POST " + url + "  body: " + body);
    else urlLine.replaceChildren(el("a", { href: url, target: "_blank" }, "GET " + url));
    out.replaceChildren(el("p", { class: "desc" }, "..."));
    const key = document.getElementById("apikey").value;
    const headers = key ? { "X-API-KEY": key } : {};
    try {
      const res = post
        ? await fetch(url, { method: "POST", headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: body.toString() })
        : await fetch(url, { headers });
      await showResponse(out, url, res);
    } catch (e) {
      out.replaceChildren(el("pre", {}, String(e)));
    }
  });
  const answers = el("details", {}, el("summary", {}, "Responses"));
  for (const [status, r] of Object.entries(op.responses || {})) {
    const content = r.content || {};
    const kinds = Object.keys(content);
    const schema = kinds.length ? resolve(doc, content[kinds[0]].schema) : null;
    answers.append(el("div", {}, el("strong", {}, status + " "), r.description || "", " ", el("span", { class: "desc" }, kinds.join(", "))));
    if (schema && schema.type === "object") answers.append(el("pre", {}, JSON.stringify(schema, null, 2)));
  }
  return el("section", { class: "op", id },
    el("h2", {}, el("span", { class: "method" }, method), path),
    el("div", { class: "body" },
      el("div", { class: "summary" }, op.summary || ""),
      // Multi-line descriptions (the criteria cheat sheet) keep their lines and columns.
      op.description ? (op.description.includes("\\n") ? el("pre", { class: "sheet" }, op.description) : el("p", { class: "desc" }, op.description)) : null,
      form, answers));
}

async function main() {
  const ops = document.getElementById("ops");
  const nav = document.getElementById("nav");
  let doc;
  try {
    const res = await fetch("/openapi.json");
    doc = await res.json();
  } catch (e) {
    ops.replaceChildren(el("p", {}, "Could not load /openapi.json: " + e));
    return;
  }
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  document.title = doc.info.title + " API reference";
  ops.replaceChildren(el("p", { class: "desc" }, doc.info.description || ""));
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  for (const [tag, list] of byTag) {
    nav.append(el("h3", {}, tag));
    ops.append(el("h2", {}, tag));
    for (const [path, method, op] of list) {
      const section = renderOperation(doc, path, method, op);
      nav.append(el("a", { href: "#" + section.id }, method.toUpperCase() + " " + path));
      ops.append(section);
    }
  }
}
main();
</script>
</body>
</html>
`;
