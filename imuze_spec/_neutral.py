# ruff: noqa: E501 - one keyword and its reason per line
"""The keywords and fields no rule judges, each with the reason it cannot break a client.

Together with the rules' `keywords`, this covers the whole vocabulary of OpenAPI 3.1 and
of JSON Schema 2020-12; tests/spec/test_spec_rules.py reads the vocabulary from the
meta-schemas and fails on a keyword that is in neither.
"""

from __future__ import annotations

_COMPONENT = "a component is judged where an operation reaches it through $ref, never alone"
_DOC = "documentation only"

NEUTRAL: dict[str, str] = {
    # -- OpenAPI documents ----------------------------------------------------------------
    "openapi.openapi": "the version of OpenAPI: keywords are compared in either spelling (nullable, boolean exclusive bounds)",
    "openapi.components": _COMPONENT,
    "openapi.externalDocs": _DOC,
    "openapi.tags": "tag objects document groups; an operation's own tags are judged (operation-tags-changed)",
    "components.*": _COMPONENT,
    "components.schemas": _COMPONENT,
    "components.responses": _COMPONENT,
    "components.parameters": _COMPONENT,
    "components.examples": _COMPONENT,
    "components.requestBodies": _COMPONENT,
    "components.headers": _COMPONENT,
    "components.links": _COMPONENT,
    "components.callbacks": _COMPONENT,
    "components.pathItems": _COMPONENT,
    "tag.name": _DOC,
    "tag.description": _DOC,
    "tag.externalDocs": _DOC,
    "external-documentation.description": _DOC,
    "external-documentation.url": _DOC,
    "example.summary": _DOC,
    "example.description": _DOC,
    "example.value": "an example: the schema, not its examples, says what is valid",
    "example.externalValue": "an example: the schema, not its examples, says what is valid",
    "reference.$ref": "followed: the referenced object is compared, not the reference",
    "reference.summary": _DOC,
    "reference.description": _DOC,
    "security-scheme.bearerFormat": "a hint for documentation: the token sent is the same",
    "map-of-strings.*": "the shape of other fields' values (server variables, mappings), judged there",
    "specification-extensions.*": "x- extensions are no contract, except x-sunset (operation-removed-after-sunset) and x-extensible-enum (response-enum-value-added)",
    # -- JSON Schema: core ----------------------------------------------------------------
    "schema.$ref": "followed: the referenced schema is compared, not the reference",
    "schema.$defs": "definitions are judged where a $ref reaches them",
    "schema.$comment": "a comment for schema authors",
    "schema.$schema": "the dialect: the document's jsonSchemaDialect is judged (schema-dialect-changed)",
    "schema.$id": "base URIs: the project resolves local JSON-pointer references only",
    "schema.$anchor": "anchors: the project resolves local JSON-pointer references only",
    "schema.$dynamicRef": "dynamic references: the project resolves local JSON-pointer references only",
    "schema.$dynamicAnchor": "dynamic anchors: the project resolves local JSON-pointer references only",
    "schema.$vocabulary": "declares a meta-schema's vocabularies; schemas in a document do not use it",
    "schema.allOf": "merged into one schema before comparing: the merged keywords are judged",
    # -- the OpenAPI schema vocabulary -----------------------------------------------------
    "schema.xml": "shapes XML bodies only",
    "xml.name": "shapes XML bodies only",
    "xml.namespace": "shapes XML bodies only",
    "xml.prefix": "shapes XML bodies only",
    "xml.attribute": "shapes XML bodies only",
    "xml.wrapped": "shapes XML bodies only",
    "external-docs.url": _DOC,
    "external-docs.description": _DOC,
}
