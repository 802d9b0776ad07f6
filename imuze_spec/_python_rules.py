# ruff: noqa: E501 - a table: one rule per line reads better than one field per line
"""The Python rules: what regenerating the client changes for code that uses `imuze_client`.

"Sent"/"received": the client serialises the model (a request body) or parses it (a
response); the level follows whose code breaks. The behaviour rules compare what each
generated operation module does (read with `ast`), where a signature does not change.
"""

from __future__ import annotations

from .findings import Level
from .rules import rule

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO

# fmt: off
PYTHON_RULES = (
    # -- the public API -------------------------------------------------------------------
    rule("python-operation-removed", ERR, "api", "an api module is gone with its four functions", "api-module", side="python"),
    rule("python-operation-renamed", ERR, "api", "an api module moved (operationId or first tag renamed; same METHOD and path)", "api-module", side="python"),
    rule("python-operation-added", INFO, "api", "a new api module", "api-module", side="python", adds=True),
    rule("python-function-removed", ERR, "api", "a public function is gone from a module both generations have", "function", side="python"),
    rule("python-function-added", INFO, "api", "a new public function", "function", side="python", adds=True),
    rule("python-module-removed", ERR, "api", "a module (other than api and model modules) is gone", "module", side="python"),
    rule("python-module-added", INFO, "api", "a new module", "module", side="python", adds=True),
    rule("python-parameter-removed", ERR, "api", "a parameter of an operation's functions is gone", "function.parameter", side="python"),
    rule("python-parameter-added-required", ERR, "api", "a new required parameter", "function.parameter", side="python"),
    rule("python-parameter-became-required", ERR, "api", "a parameter became required", "function.parameter", side="python"),
    rule("python-parameter-moved", ERR, "api", "a parameter moved (positional calls break)", "function.parameter", side="python"),
    rule("python-parameter-changed-kind", ERR, "api", "a parameter changed kind (positional, keyword-only...)", "function.parameter", side="python"),
    rule("python-parameter-default-changed", WARN, "api", "a parameter's default changed", "function.parameter", side="python"),
    rule("python-parameter-retyped", ERR, "api", "a parameter's annotation changed incompatibly", "function.parameter", side="python"),
    rule("python-parameter-type-widened", INFO, "api", "a parameter accepts more types", "function.parameter", side="python"),
    rule("python-parameter-added", INFO, "api", "a new optional parameter", "function.parameter", side="python", adds=True),
    rule("python-parameter-became-optional", INFO, "api", "a parameter became optional", "function.parameter", side="python"),
    rule("python-return-retyped", ERR, "api", "a function returns another type", "function.return", side="python"),
    rule("python-return-narrowed", INFO, "api", "a function returns fewer types", "function.return", side="python"),
    rule("python-model-removed", ERR, "api", "a model class is gone", "model", side="python"),
    rule("python-model-renamed", ERR, "api", "a model class was renamed (an added model has the same fields)", "model", side="python"),
    rule("python-model-added", INFO, "api", "a new model class", "model", side="python", adds=True),
    rule("python-model-field-removed", ERR, "api", "a model field is gone", "model.field", side="python"),
    rule("python-model-field-renamed", ERR, "api", "a model field was renamed (an added field has the same type and requiredness)", "model.field", side="python"),
    rule("python-model-field-retyped", ERR, "api", "a model field's type changed incompatibly", "model.field", side="python"),
    rule("python-model-field-type-compatible", INFO, "api", "a model field's type changed compatibly (widened when sent only, narrowed when received only)", "model.field", side="python"),
    rule("python-model-required-field-added", ERR, "api", "a new required model field: every constructor call must pass it", "model.field", side="python", softened="WARN for a model the client only receives (hand-built instances)"),
    rule("python-model-field-became-required", ERR, "api", "a model field became required", "model.field", side="python", softened="INFO for a model the client only receives"),
    rule("python-model-field-became-optional", ERR, "api", "a model field became optional: reads may get UNSET", "model.field", side="python", softened="INFO for a model the client only sends"),
    rule("python-model-field-added", INFO, "api", "a new optional model field", "model.field", side="python", adds=True),
    rule("python-model-fields-reordered", WARN, "api", "the positional order of a model's constructor changed", "model.field", side="python"),
    rule("python-enum-removed", ERR, "api", "an enum class is gone", "enum", side="python"),
    rule("python-enum-renamed", ERR, "api", "an enum class was renamed (same members)", "enum", side="python"),
    rule("python-enum-added", INFO, "api", "a new enum class", "enum", side="python", adds=True),
    rule("python-enum-member-removed", ERR, "api", "an enum member is gone", "enum.member", side="python"),
    rule("python-enum-member-value-changed", ERR, "api", "an enum member's value changed", "enum.member", side="python"),
    rule("python-enum-member-added", WARN, "api", "a new enum member: older clients parsing the enum closed raise ValueError", "enum.member", side="python", adds=True, softened="INFO when older clients parse it as a plain str, or never receive it"),
    rule("python-class-removed", ERR, "api", "another public class is gone", "class", side="python"),
    rule("python-class-added", INFO, "api", "a new public class", "class", side="python", adds=True),
    # -- behaviour of the generated operation modules -------------------------------------
    rule("python-operation-method-changed", ERR, "api", "the regenerated function sends another HTTP method", "_get_kwargs.method", side="python"),
    rule("python-operation-path-changed", ERR, "api", "the regenerated function requests another path template", "_get_kwargs.url", side="python"),
    rule("python-success-status-dropped", ERR, "api", "the regenerated client no longer parses a success status that servers still send", "_parse_response.status_code", side="python"),
    rule("python-success-status-parsed", INFO, "api", "the regenerated client parses a new success status", "_parse_response.status_code", side="python", adds=True),
    rule("python-error-status-dropped", WARN, "api", "the regenerated client no longer parses an error status (UnexpectedStatus or None instead)", "_parse_response.status_code", side="python"),
    rule("python-error-status-parsed", INFO, "api", "the regenerated client parses a new error status", "_parse_response.status_code", side="python", adds=True),
    rule("python-request-media-type-changed", ERR, "api", "the regenerated function encodes its request body differently (JSON, form, multipart...)", "_get_kwargs.json _get_kwargs.data _get_kwargs.files _get_kwargs.content", side="python"),
    rule("python-parameter-wire-name-changed", ERR, "api", "the regenerated function sends a query, path or header parameter under another name", "_get_kwargs.params _get_kwargs.headers _get_kwargs.url", side="python"),
)
# fmt: on
