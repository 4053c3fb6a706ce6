"""Our expansion of ApplicationSets with the cluster generator, for offline checks.

This is NOT Argo CD's controller: it implements the subset the repository uses (cluster
generator with a label selector, goTemplate with `{{.path}}` and `{{index .map "key"}}`,
missingkey=error, the resources finalizer unless preserveResourcesOnDeletion), following
Argo CD's documented parameters: name, nameNormalized, server, project,
metadata.labels.<key>, metadata.annotations.<key>. Anything else is refused, so a template
that uses more fails here instead of rendering something Argo CD would not.
"""

from __future__ import annotations

import copy
import re

from platform_setup.errors import ConfigError

FINALIZER = "resources-finalizer.argocd.argoproj.io"
EXPRESSION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
PATH = re.compile(r"^\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)$")
INDEX = re.compile(r'^index\s+\.([\w.]+)\s+"([^"]+)"$')


def cluster_params(secret: dict) -> dict:
    """The parameters Argo CD's cluster generator gives a template for one cluster Secret."""
    data = secret.get("stringData") or {}
    meta = secret.get("metadata") or {}
    name = data.get("name", "")
    return {
        "name": name,
        "nameNormalized": re.sub(r"[^a-z0-9.-]", "-", name.lower()),
        "server": data.get("server", ""),
        "project": data.get("project", ""),
        "metadata": {
            "labels": dict(meta.get("labels") or {}),
            "annotations": dict(meta.get("annotations") or {}),
        },
    }


def _lookup(params: dict, dotted: str, expression: str):
    node = params
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(
                f"template {{{{{expression}}}}}: no parameter {dotted!r} (missingkey=error)."
            )
        node = node[part]
    return node


def _evaluate(expression: str, params: dict) -> str:
    if match := PATH.match(expression):
        value = _lookup(params, match.group(1), expression)
    elif match := INDEX.match(expression):
        value = _lookup(params, f"{match.group(1)}.{match.group(2)}", expression)
    else:
        raise ConfigError(f"template {{{{{expression}}}}} uses more than our expansion supports.")
    if not isinstance(value, str):
        raise ConfigError(f"template {{{{{expression}}}}} is not a string parameter.")
    return value


def substitute(node, params: dict):
    if isinstance(node, str):
        return EXPRESSION.sub(lambda m: _evaluate(m.group(1), params), node)
    if isinstance(node, list):
        return [substitute(item, params) for item in node]
    if isinstance(node, dict):
        return {substitute(k, params): substitute(v, params) for k, v in node.items()}
    return node


def matches(selector: dict | None, labels: dict) -> bool:
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }.get(op)
        if ok is None:
            raise ConfigError(f"selector operator {op!r} is not a label selector operator.")
        if not ok:
            return False
    return True


def is_cluster_secret(doc: dict) -> bool:
    labels = (doc.get("metadata") or {}).get("labels") or {}
    return doc.get("kind") == "Secret" and labels.get("argocd.argoproj.io/secret-type") == "cluster"


def expand(appset: dict, clusters: list[dict]) -> list[dict]:
    spec = appset["spec"]
    name = appset["metadata"]["name"]
    if spec.get("goTemplate") is not True or "missingkey=error" not in spec.get(
        "goTemplateOptions", []
    ):
        raise ConfigError(f"ApplicationSet {name}: use goTemplate with missingkey=error.")
    preserve = (spec.get("syncPolicy") or {}).get("preserveResourcesOnDeletion", False)
    apps = []
    for generator in spec["generators"]:
        if set(generator) != {"clusters"}:
            raise ConfigError(
                f"ApplicationSet {name}: only the cluster generator is expanded here."
            )
        gen = generator["clusters"] or {}
        for secret in clusters:
            params = cluster_params(secret)
            if not matches(gen.get("selector"), params["metadata"]["labels"]):
                continue
            if gen.get("values"):
                params["values"] = substitute(gen["values"], params)
            app = substitute(copy.deepcopy(spec["template"]), params)
            metadata = app.setdefault("metadata", {})
            metadata["namespace"] = appset["metadata"].get("namespace", "argocd")
            if not preserve:
                metadata["finalizers"] = sorted({*metadata.get("finalizers", []), FINALIZER})
            apps.append({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **app})
    names = [a["metadata"]["name"] for a in apps]
    if len(names) != len(set(names)):
        raise ConfigError(f"ApplicationSet {name} generates duplicate Application names {names}.")
    return apps


def expand_all(docs: list[dict], clusters: list[dict]) -> list[dict]:
    """Every Application the ApplicationSets in `docs` generate for `clusters`."""
    return [
        app for doc in docs if doc.get("kind") == "ApplicationSet" for app in expand(doc, clusters)
    ]
