// Validates Argo CD resources against the JSON schemas of @kubernetes-models/argo-cd.
// Usage: ARGO_SCHEMA_MODULES=<dir with node_modules> node validate.mjs < docs.json
// stdin: a JSON array of objects; stdout: one line per object; exit 1 if any is invalid.
// The schemas check types and required fields but allow any extra key, so a misspelled key
// (`selfheal`) would pass: every key must also be a field name the package's types declare.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.ARGO_SCHEMA_MODULES;
if (!modules) {
  console.error("ARGO_SCHEMA_MODULES is not set: run `make gitops-tools` first.");
  process.exit(2);
}
const entry = join(modules, "node_modules/@kubernetes-models/argo-cd/argoproj.io/v1alpha1/index.js");
const models = await import(pathToFileURL(entry).href);

function declaredFields(dir) {
  const names = new Set();
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (!entry.endsWith(".d.ts")) continue;
    for (const match of readFileSync(join(dir, entry), "utf8").matchAll(/^\s+"([^"]+)"\??:/gm)) {
      names.add(match[1]);
    }
  }
  return names;
}
const scoped = join(modules, "node_modules/@kubernetes-models");
const fields = new Set([...declaredFields(join(scoped, "argo-cd")), ...declaredFields(join(scoped, "apimachinery"))]);

// Keys that no type declares: free-form maps (labels, annotations, label selectors' matchLabels,
// Helm valuesObject) are not checked.
const FREE_FORM = new Set(["labels", "annotations", "matchLabels", "valuesObject"]);
function unknownKeys(node, path = "") {
  if (Array.isArray(node)) return node.flatMap((item, i) => unknownKeys(item, `${path}/${i}`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (!fields.has(key)) return [`${path}/${key}`];
    return FREE_FORM.has(key) ? [] : unknownKeys(value, `${path}/${key}`);
  });
}

const docs = JSON.parse(readFileSync(0, "utf8"));
let failed = 0;
for (const doc of docs) {
  const name = `${doc.kind}/${doc.metadata?.name}`;
  const Model = doc.apiVersion === "argoproj.io/v1alpha1" ? models[doc.kind] : undefined;
  if (!Model) {
    console.log(`FAIL ${name}: not an Argo CD kind with a schema`);
    failed++;
    continue;
  }
  try {
    new Model(doc).validate();
    const unknown = unknownKeys(doc);
    if (unknown.length) throw new Error(`unknown keys ${unknown.join(", ")}`);
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`FAIL ${name}: ${error.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
