// Validates Argo CD resources against the JSON schemas of @kubernetes-models/argo-cd.
// Usage: ARGO_SCHEMA_MODULES=<dir with node_modules> node validate.mjs < docs.json
// stdin: a JSON array of objects; stdout: one line per object; exit 1 if any is invalid.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.ARGO_SCHEMA_MODULES;
if (!modules) {
  console.error("ARGO_SCHEMA_MODULES is not set: run `make gitops-tools` first.");
  process.exit(2);
}
const entry = join(modules, "node_modules/@kubernetes-models/argo-cd/argoproj.io/v1alpha1/index.js");
const models = await import(pathToFileURL(entry).href);

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
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`FAIL ${name}: ${error.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
