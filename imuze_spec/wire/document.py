"""The document as a whole: info, servers (and their variables), security schemes, and the
security requirements (global or per operation)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from ..load import Node
from ._record import Ctx, Recorder, deref

DOCUMENT = Ctx("request", "", "#")
_INFO_DOCS = ("title", "summary", "description", "termsOfService", "contact", "license")
_FLOW_URLS = ("authorizationUrl", "tokenUrl", "refreshUrl")


def document(rec: Recorder) -> None:
    """Info, the default dialect, the document's servers and its security schemes."""
    old, new = rec.old.spec.doc, rec.new.spec.doc
    info_old, info_new = old.get("info") or {}, new.get("info") or {}
    here = DOCUMENT.at("info")
    changed = [key for key in _INFO_DOCS if info_old.get(key) != info_new.get(key)]
    if changed:
        rec.emit("documentation-changed", here, f"info {', '.join(changed)} edited")
    if info_old.get("version") != info_new.get("version"):
        message = f"info.version {info_old.get('version')!r} -> {info_new.get('version')!r}"
        rec.emit("info-version-changed", here, message, "version")
    if old.get("jsonSchemaDialect") != new.get("jsonSchemaDialect"):
        message = (
            f"jsonSchemaDialect {old.get('jsonSchemaDialect')!r} -> "
            f"{new.get('jsonSchemaDialect')!r}: every schema may be read differently"
        )
        rec.emit("schema-dialect-changed", DOCUMENT, message, "jsonSchemaDialect")
    servers(rec, old.get("servers") or [], new.get("servers") or [], DOCUMENT.at("servers"))
    old_s = (old.get("components") or {}).get("securitySchemes") or {}
    new_s = (new.get("components") or {}).get("securitySchemes") or {}
    _schemes(rec, old_s, new_s, DOCUMENT.at("components", "securitySchemes"))


# -- servers ------------------------------------------------------------------------------


def _url(server: Node) -> str:
    url = str(server.get("url") or "")
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str((variable or {}).get("default", "")))
    return url


def servers(rec: Recorder, old: list[Any], new: list[Any], ctx: Ctx) -> None:
    """Pair servers by URL, then by position; a URL that moved sends every call elsewhere."""
    old = [s for s in old if isinstance(s, dict)]
    new = [s for s in new if isinstance(s, dict)]
    free = list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    unpaired: list[int] = []
    for i, server in enumerate(old):
        j = next((j for j in free if new[j].get("url") == server.get("url")), None)
        if j is None:
            unpaired.append(i)
        else:
            pairs.append((i, j))
            free.remove(j)
    for i in list(unpaired):
        if i in free:
            pairs.append((i, i))
            free.remove(i)
            unpaired.remove(i)
    for i, j in pairs:
        _server(rec, old[i], new[j], ctx.at(i))
    for i in unpaired:
        message = f"server {_url(old[i])} removed: clients configured with it call nothing"
        rec.emit("server-removed", ctx, message, i)
    for j in free:
        rec.emit("server-added", ctx, f"new server {_url(new[j])}", j)


def _server(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    before, after = _url(old), _url(new)
    if old.get("url") != new.get("url") and before != after:
        was, now = urlsplit(before), urlsplit(after)
        if (was.scheme, was.netloc) == (now.scheme, now.netloc):
            what = f"base path {was.path or '/'} -> {now.path or '/'}"
        else:
            what = f"{before} -> {after}"
        message = f"{what}: every call now goes to another place"
        rec.emit("server-url-changed", ctx, message, "url")
    if old.get("description") != new.get("description"):
        rec.emit("documentation-changed", ctx, "description edited")
    old_v, new_v = old.get("variables") or {}, new.get("variables") or {}
    for name in sorted(old_v.keys() & new_v.keys()):
        _variable(rec, name, old_v[name] or {}, new_v[name] or {}, ctx.at("variables", name))


def _variable(rec: Recorder, name: str, old: Node, new: Node, ctx: Ctx) -> None:
    if old.get("default") != new.get("default"):
        message = f"variable {name} default {old.get('default')!r} -> {new.get('default')!r}"
        rec.emit("server-variable-default-changed", ctx, message, "default")
    old_e, new_e = old.get("enum"), new.get("enum")
    if old_e is None and new_e is not None:
        message = f"variable {name} became an enum of {new_e}"
        rec.emit("server-variable-value-removed", ctx, message, "enum")
        return
    for value in [v for v in old_e or [] if new_e is not None and v not in new_e]:
        message = f"variable {name} no longer allows {value!r}"
        rec.emit("server-variable-value-removed", ctx, message, "enum", value)
    for value in [v for v in new_e or [] if old_e is not None and v not in old_e]:
        message = f"variable {name} allows {value!r}"
        rec.emit("server-variable-value-added", ctx, message, "enum", value)
    if old.get("description") != new.get("description"):
        rec.emit("documentation-changed", ctx, "description edited")


# -- security -----------------------------------------------------------------------------


def _schemes(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    for name in [*old, *(k for k in new if k not in old)]:
        if name not in new:
            message = f"security scheme {name} removed"
            rec.emit("security-scheme-removed", ctx, message, name)
        elif name not in old:
            rec.emit("security-scheme-added", ctx, f"new security scheme {name}", name)
        else:
            before, after = deref(rec.old.spec, old[name]), deref(rec.new.spec, new[name])
            _scheme(rec, name, before, after, ctx.at(name))


def _scheme(rec: Recorder, name: str, old: Node, new: Node, ctx: Ctx) -> None:
    checks = (
        ("type", "security-scheme-type-changed", "type"),
        ("in", "security-scheme-location-changed", "location"),
        ("name", "security-scheme-name-changed", "name"),
        ("scheme", "security-scheme-http-scheme-changed", "http scheme"),
        ("openIdConnectUrl", "security-scheme-url-changed", "OpenID Connect URL"),
    )
    for key, kind, what in checks:
        if old.get(key) != new.get(key):
            message = (
                f"{what} {old.get(key)!r} -> {new.get(key)!r}: clients send or fetch "
                "credentials where they are no longer read, and every authenticated call fails"
            )
            rec.emit(kind, ctx, message, key)
    if old.get("description") != new.get("description"):
        rec.emit("documentation-changed", ctx, "description edited")
    old_f, new_f = old.get("flows") or {}, new.get("flows") or {}
    for flow in [*old_f, *(f for f in new_f if f not in old_f)]:
        here = ctx.at("flows", flow)
        if flow not in new_f:
            rec.emit("security-scheme-flow-removed", here, f"{name}'s {flow} flow removed")
        elif flow not in old_f:
            rec.emit("security-scheme-flow-added", here, f"{name} has a new {flow} flow")
        else:
            _flow(rec, name, flow, old_f[flow] or {}, new_f[flow] or {}, here)


def _flow(rec: Recorder, name: str, flow: str, old: Node, new: Node, ctx: Ctx) -> None:
    for key in _FLOW_URLS:
        if old.get(key) != new.get(key):
            message = f"{name}'s {flow} {key} {old.get(key)!r} -> {new.get(key)!r}"
            rec.emit("security-scheme-url-changed", ctx, message, key)
    old_s, new_s = old.get("scopes") or {}, new.get("scopes") or {}
    for scope in [s for s in old_s if s not in new_s]:
        message = f"scope {scope!r} removed: clients asking for it are refused"
        rec.emit("security-scheme-scope-removed", ctx, message, "scopes", scope)
    for scope in [s for s in new_s if s not in old_s]:
        rec.emit("security-scheme-scope-added", ctx, f"new scope {scope!r}", "scopes", scope)


def _anonymous(security: object) -> bool:
    """Whether a security requirement list lets a caller in without credentials."""
    return not security or (isinstance(security, list) and {} in security)


def _alternatives(security: object) -> list[dict[str, frozenset[str]]]:
    if not isinstance(security, list):
        return []
    return [
        {name: frozenset(scopes or []) for name, scopes in req.items()}
        for req in security
        if isinstance(req, dict) and req
    ]


def _same(old: object, new: object) -> bool:
    def key(security: object) -> tuple[bool, list[str]]:
        alternatives = _alternatives(security)
        return _anonymous(security), sorted(repr(sorted(a.items())) for a in alternatives)

    return key(old) == key(new)


def security(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    """An operation's effective requirements (its own, or the document's)."""
    old_security = o.get("security", rec.old.spec.doc.get("security"))
    new_security = n.get("security", rec.new.spec.doc.get("security"))
    if old_security == new_security or _same(old_security, new_security):
        return  # the same alternatives, perhaps in another order
    # Inherited on both sides: one change of the document's requirement, reported once.
    here = ctx if "security" in o or "security" in n else replace(ctx, location="#")
    if _anonymous(old_security) and not _anonymous(new_security):
        message = "now needs authentication: anonymous callers are rejected"
        rec.emit("security-required", here, message, "security")
        return
    new_alts = _alternatives(new_security)
    broken = False
    for alt in [] if _anonymous(new_security) else _alternatives(old_security):
        same = [b for b in new_alts if b.keys() == alt.keys()]
        if not same:
            message = f"authenticating with {' + '.join(sorted(alt))} is no longer accepted"
            rec.emit("security-requirement-removed", here, message, "security")
            broken = True
        elif not any(all(b[k] <= alt[k] for k in alt) for b in same):
            message = f"{' + '.join(sorted(alt))} now needs more scopes"
            rec.emit("security-scopes-added", here, message, "security")
            broken = True
    if not broken:
        rec.emit("security-changed", here, "security requirements changed", "security")
