# ruff: noqa: E501 - a table: one rule per line reads better than one field per line
"""The wire rules: how each change of the HTTP contract is classified for an existing client.

"Request" and "response" are seen from the client: for callbacks and webhooks the client
receives the request and sends the response, so their rules run the other way round.
"""

from __future__ import annotations

from .findings import Level
from .rules import rule

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
_BOUNDS = (
    "schema.maximum schema.minimum schema.exclusiveMaximum schema.exclusiveMinimum "
    "schema.maxLength schema.minLength schema.pattern schema.maxItems schema.minItems "
    "schema.maxProperties schema.minProperties schema.maxContains schema.minContains "
    "schema.multipleOf schema.uniqueItems schema.const schema.enum schema.dependentRequired "
    "schema.additionalProperties schema.unevaluatedProperties schema.unevaluatedItems "
    "schema.prefixItems schema.items schema.contains schema.propertyNames schema.not "
    "schema.patternProperties schema.dependentSchemas schema.if schema.then schema.else"
)
_DOCS = (
    "info.title info.summary info.description info.termsOfService info.contact info.license "
    "contact.name contact.url contact.email license.name license.identifier license.url "
    "path-item.summary path-item.description operation.summary operation.description "
    "operation.externalDocs parameter.description request-body.description "
    "response.description header.description server.description server-variable.description "
    "security-scheme.description link.description examples.example examples.examples schema.title "
    "schema.description schema.examples schema.example schema.externalDocs"
)
_TYPES = "schema.type schema.format parameter.schema header.schema media-type.schema"
_FLOWS = "oauth-flows.implicit oauth-flows.password oauth-flows.clientCredentials"

# fmt: off
WIRE_RULES = (
    # -- the document ---------------------------------------------------------------------
    rule("documentation-changed", INFO, "both", "a description, summary, title or example was edited", _DOCS),
    rule("info-version-changed", INFO, "document", "info.version changed", "openapi.info info.version"),
    rule("schema-dialect-changed", WARN, "document", "the default JSON Schema dialect changed: every schema may mean something else", "openapi.jsonSchemaDialect"),
    rule("server-url-changed", ERR, "document", "a server's URL (host or base path) changed: calls go elsewhere", "openapi.servers server.url path-item.servers operation.servers"),
    rule("server-removed", ERR, "document", "a server was removed: clients configured with it call nothing", "openapi.servers server.url"),
    rule("server-added", INFO, "document", "a new server", "openapi.servers", adds=True),
    rule("server-variable-default-changed", ERR, "document", "a server variable's default changed: the default URL moved", "server.variables server-variable.default"),
    rule("server-variable-value-removed", ERR, "document", "a server variable no longer allows a value (or became an enum)", "server-variable.enum"),
    rule("server-variable-value-added", INFO, "document", "a server variable allows a new value", "server-variable.enum", adds=True),
    # -- security -------------------------------------------------------------------------
    rule("security-required", ERR, "request", "an operation that let anonymous callers in now needs credentials", "openapi.security operation.security"),
    rule("security-requirement-removed", ERR, "request", "a way to authenticate is no longer accepted", "openapi.security operation.security security-requirement.*"),
    rule("security-scopes-added", ERR, "request", "a security requirement now needs more scopes", "security-requirement.*"),
    rule("security-changed", INFO, "request", "security requirements changed compatibly (an alternative added, scopes dropped)", "openapi.security operation.security", adds=True),
    rule("security-scheme-removed", ERR, "request", "a security scheme was removed", "components.securitySchemes"),
    rule("security-scheme-added", INFO, "request", "a new security scheme", "components.securitySchemes", adds=True),
    rule("security-scheme-type-changed", ERR, "request", "a security scheme's type changed: clients send the wrong credentials", "security-scheme.type"),
    rule("security-scheme-location-changed", ERR, "request", "an apiKey moved (header, query or cookie): clients send it where it is not read", "security-scheme.in"),
    rule("security-scheme-name-changed", ERR, "request", "an apiKey's header, query or cookie name changed: every authenticated call fails", "security-scheme.name"),
    rule("security-scheme-http-scheme-changed", ERR, "request", "an http scheme changed (basic, bearer...)", "security-scheme.scheme"),
    rule("security-scheme-url-changed", ERR, "request", "an OAuth2 or OpenID Connect URL changed: clients fetch tokens elsewhere", "oauth-flows.authorizationUrl oauth-flows.tokenUrl oauth-flows.refreshUrl security-scheme.openIdConnectUrl"),
    rule("security-scheme-flow-removed", ERR, "request", "an OAuth2 flow was removed", f"security-scheme.flows {_FLOWS} oauth-flows.authorizationCode"),
    rule("security-scheme-flow-added", INFO, "request", "a new OAuth2 flow", f"security-scheme.flows {_FLOWS}", adds=True),
    rule("security-scheme-scope-removed", ERR, "request", "an OAuth2 scope was removed: clients asking for it are refused", "oauth-flows.scopes"),
    rule("security-scheme-scope-added", INFO, "request", "a new OAuth2 scope", "oauth-flows.scopes", adds=True),
    # -- operations -----------------------------------------------------------------------
    rule("operation-added", INFO, "document", "a new operation", "openapi.paths paths.* path-item.get path-item.put path-item.post path-item.delete path-item.options path-item.head path-item.patch path-item.trace", adds=True),
    rule("operation-removed", ERR, "document", "an operation was removed (deprecated or not, before its x-sunset)", "path-item.get path-item.put path-item.post path-item.delete path-item.options path-item.head path-item.patch path-item.trace"),
    rule("operation-removed-after-sunset", INFO, "document", "a deprecated operation was removed after its x-sunset date", "operation.deprecated"),
    rule("operation-id-changed", INFO, "document", "an operationId changed (the generated function is renamed)", "operation.operationId"),
    rule("operation-tags-changed", INFO, "document", "an operation's tags changed (the generated module moves)", "operation.tags"),
    rule("deprecated", INFO, "both", "an operation, parameter, header or schema is now deprecated", "operation.deprecated parameter.deprecated header.deprecated schema.deprecated"),
    rule("callback-removed", WARN, "document", "a callback was removed: its receivers are no longer called", "operation.callbacks callbacks.*"),
    rule("callback-added", INFO, "document", "a new callback", "operation.callbacks", adds=True),
    rule("webhook-removed", WARN, "document", "a webhook was removed: its receivers are no longer called", "openapi.webhooks"),
    rule("webhook-added", INFO, "document", "a new webhook", "openapi.webhooks", adds=True),
    # -- parameters -----------------------------------------------------------------------
    rule("request-parameter-added-required", ERR, "request", "a new required parameter: callers that omit it are rejected", "operation.parameters path-item.parameters parameter.name parameter.in"),
    rule("request-parameter-added", INFO, "request", "a new optional parameter", "operation.parameters path-item.parameters", adds=True),
    rule("request-parameter-removed", WARN, "request", "a parameter was removed: the server ignores or rejects it", "operation.parameters path-item.parameters parameter.name parameter.in"),
    rule("request-parameter-became-required", ERR, "request", "a parameter became required", "parameter.required"),
    rule("request-parameter-became-optional", INFO, "request", "a parameter became optional", "parameter.required"),
    rule("request-parameter-serialization-changed", ERR, "request", "a parameter is serialised differently (style, explode, allowReserved)", "parameter.style parameter.explode parameter.allowReserved"),
    # -- request bodies -------------------------------------------------------------------
    rule("request-body-added-required", ERR, "request", "a new required request body", "operation.requestBody"),
    rule("request-body-added", INFO, "request", "a new optional request body", "operation.requestBody", adds=True),
    rule("request-body-removed", WARN, "request", "the request body was removed", "operation.requestBody"),
    rule("request-body-became-required", ERR, "request", "the request body became required", "request-body.required"),
    rule("request-media-type-removed", ERR, "request", "a request media type is no longer accepted", "request-body.content parameter.content content.*"),
    rule("request-media-type-added", INFO, "request", "a new request media type", "request-body.content parameter.content", adds=True),
    rule("encoding-changed", ERR, "both", "a body property is encoded differently (contentType, style, explode, allowReserved, headers)", "media-type.encoding encoding.contentType encoding.style encoding.explode encoding.allowReserved encoding.headers"),
    # -- responses ------------------------------------------------------------------------
    rule("response-success-status-removed", ERR, "response", "a success status was removed", "operation.responses responses.default"),
    rule("response-success-status-added", WARN, "response", "a new success status: a client expecting the old one fails", "operation.responses", adds=True),
    rule("response-status-removed", INFO, "response", "an error status is no longer documented", "operation.responses responses.default"),
    rule("response-status-added", INFO, "response", "a new error status", "operation.responses responses.* responses.default", adds=True),
    rule("response-media-type-removed", ERR, "response", "a response media type is no longer sent", "response.content header.content"),
    rule("response-media-type-added", INFO, "response", "a new response media type", "response.content header.content", adds=True),
    rule("response-required-header-removed", ERR, "response", "a required response header was removed", "response.headers"),
    rule("response-optional-header-removed", WARN, "response", "an optional response header was removed", "response.headers"),
    rule("response-header-added", INFO, "response", "a new response header", "response.headers", adds=True),
    rule("response-header-became-optional", ERR, "response", "a response header became optional: clients reading it may break", "header.required"),
    rule("response-header-became-required", INFO, "response", "a response header became required", "header.required"),
    rule("response-header-serialization-changed", ERR, "response", "a response header is serialised differently (style, explode)", "header.style header.explode"),
    rule("response-link-removed", ERR, "response", "a link was removed: stateful clients and contract runs that follow it break", "response.links"),
    rule("response-link-added", INFO, "response", "a new link", "response.links", adds=True),
    rule("response-link-changed", ERR, "response", "a link now leads elsewhere or passes other values", "link.operationId link.operationRef link.parameters link.requestBody link.body"),
    # -- schemas: types and nullability ---------------------------------------------------
    rule("request-type-changed", ERR, "request", "a request value's type or format changed", _TYPES),
    rule("request-type-generalized", INFO, "request", "a request value accepts more types or any format", _TYPES),
    rule("response-type-changed", ERR, "response", "a response value's type or format changed", _TYPES),
    rule("response-type-generalized", ERR, "response", "a response value may have more types or any format", _TYPES),
    rule("response-type-narrowed", INFO, "response", "a response value has fewer types or a set format", _TYPES),
    rule("request-became-not-nullable", ERR, "request", "a request value no longer accepts null", "schema.type"),
    rule("request-became-nullable", INFO, "request", "a request value now accepts null", "schema.type"),
    rule("response-became-nullable", ERR, "response", "a response value may now be null", "schema.type"),
    rule("response-became-not-nullable", INFO, "response", "a response value is no longer null", "schema.type"),
    rule("string-content-changed", ERR, "both", "a string's content encoding, media type or schema changed", "schema.contentEncoding schema.contentMediaType schema.contentSchema"),
    rule("default-changed", WARN, "both", "a default changed: the server assumes another value when the client omits it", "schema.default", softened="INFO in a response, where a default only documents"),
    # -- schemas: constraints and values --------------------------------------------------
    rule("request-constraint-tightened", ERR, "request", "a request constraint is tighter: requests valid before may be rejected", f"{_BOUNDS} parameter.allowEmptyValue"),
    rule("request-constraint-relaxed", INFO, "request", "a request constraint is looser", f"{_BOUNDS} parameter.allowEmptyValue"),
    rule("response-constraint-widened", ERR, "response", "a response constraint is looser: clients may receive values they did not expect", _BOUNDS, softened="INFO for an extensible enum, and for properties beyond the declared ones (ignored like a new property)"),
    rule("response-constraint-narrowed", INFO, "response", "a response constraint is tighter", _BOUNDS),
    rule("pattern-changed", WARN, "both", "a pattern changed, and whether it admits the same strings cannot be decided (equal patterns are no change)", "schema.pattern"),
    rule("request-enum-value-removed", ERR, "request", "a request enum value was removed: callers sending it are rejected", "schema.enum"),
    rule("request-enum-value-added", INFO, "request", "a new request enum value", "schema.enum", adds=True),
    rule("response-enum-value-removed", INFO, "response", "a response enum value is no longer sent", "schema.enum"),
    rule("response-enum-value-added", WARN, "response", "a new response enum value: a client with a closed enum fails on it", "schema.enum", adds=True, softened="INFO when the enum is extensible (an any-string branch beside it, or x-extensible-enum)"),
    rule("discriminator-property-changed", ERR, "both", "the discriminator's property changed: clients pick the wrong shape", "schema.discriminator discriminator.propertyName"),
    rule("discriminator-mapping-removed", ERR, "both", "a discriminator value was removed or now maps to another schema", "discriminator.mapping"),
    rule("discriminator-mapping-added", WARN, "both", "a new discriminator value: old clients cannot map it in a response", "discriminator.mapping", adds=True, softened="INFO in a request"),
    # -- schemas: properties --------------------------------------------------------------
    rule("request-property-added-required", ERR, "request", "a new required request property: callers that omit it are rejected", "schema.properties schema.required"),
    rule("request-property-added", INFO, "request", "a new optional request property", "schema.properties", adds=True),
    rule("request-property-removed", WARN, "request", "a request property was removed: the server ignores or rejects it", "schema.properties"),
    rule("request-property-renamed", ERR, "request", "a request property was renamed (same schema): callers send the old name", "schema.properties", softened="WARN when the new name is optional"),
    rule("request-property-became-required", ERR, "request", "a request property became required", "schema.required"),
    rule("request-property-became-optional", INFO, "request", "a request property became optional", "schema.required"),
    rule("request-property-became-read-only", WARN, "request", "a request property became read-only: the server ignores it", "schema.readOnly"),
    rule("response-property-added", INFO, "response", "a new response property", "schema.properties", adds=True),
    rule("response-required-property-removed", ERR, "response", "a required response property was removed", "schema.properties"),
    rule("response-optional-property-removed", WARN, "response", "an optional response property was removed", "schema.properties"),
    rule("response-property-renamed", ERR, "response", "a response property was renamed (same schema): clients read the old name", "schema.properties", softened="WARN when the old name was optional"),
    rule("response-property-became-optional", ERR, "response", "a response property became optional: clients reading it may break", "schema.required"),
    rule("response-property-became-required", INFO, "response", "a response property became required", "schema.required"),
    rule("response-property-became-write-only", ERR, "response", "a response property became write-only: it is no longer sent", "schema.writeOnly", softened="WARN when it was optional"),
    # -- schemas: branches ----------------------------------------------------------------
    rule("request-branch-removed", ERR, "request", "a oneOf/anyOf branch of a request was removed", "schema.oneOf schema.anyOf"),
    rule("request-branch-added", INFO, "request", "a new oneOf/anyOf branch in a request", "schema.oneOf schema.anyOf", adds=True),
    rule("response-branch-added", ERR, "response", "a new oneOf/anyOf branch in a response: clients may receive an unknown shape", "schema.oneOf schema.anyOf", softened="INFO when the branch is a component the operation already answers with (its clients read that shape)"),
    rule("response-branch-removed", INFO, "response", "a oneOf/anyOf branch of a response is no longer sent", "schema.oneOf schema.anyOf"),
)
# fmt: on
