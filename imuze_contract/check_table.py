"""One row per contract check: its rule in a sentence, who fixes it, what it judges, its fix.

Every other list of checks derives from `CHECKS`: the sentence of a failure no handler shapes
(sentences.py), the reason `--propose` gives no spec edit (propose.py), the checks that judge
one answer on their own (session.py, judge_again.py), the checks a baseline entry was tested
by only at its status (baseline.py), and the names a deviation may carry (catalog.py). Adding
a check touches two places: its row here, and its code (a `@schemathesis.check` function, or
a phase of the runner). tests/contract/test_propose.py and test_sentences.py fail when a check
of schemathesis's registry or ours has no row.

No schemathesis here: a report reader imports it without the heavy import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .report import OPS

#: Dispositions: why a finding gets no spec edit from `--propose`. A security or 5xx finding
#: is never edited away; a server looser than the spec is not answered by relaxing the spec;
#: a rule the spec states in prose is the server's to keep.
SECURITY = "a security finding"
SERVER_ERROR = "a server error"
#: The disposition of a check whose findings may get a mechanical spec edit.
SPEC_EDIT = None


@dataclass(frozen=True)
class Check:
    """A contract check's metadata; `fix` has OPS where the operation(s) go."""

    id: str
    #: What the check expects, as the expected half of a row ("expected X; got Y").
    rule: str
    #: Why its findings are the server's to fix, or SPEC_EDIT (None): a candidate spec edit.
    disposition: str | None
    #: Whether it judges one answer on its own (no generated case, no run history).
    single_answer: bool
    fix: str
    #: Whether it judges only the body of an answer with the deviation's status (a baseline
    #: entry is tested only when the operation answered that status).
    per_status: bool = False
    #: Whether it needs a second user (it cannot run in a one-user run).
    two_users: bool = False
    #: Why the contract never runs it, or None.
    off: str | None = None
    #: The spec place or norm the rule derives from ("" for the older shape checks).
    source: str = ""
    #: How bad a deviation is: "high" (security, data loss), "medium" or "low".
    severity: str = "medium"
    #: The behavioural family it belongs to (behave.py), or "" for a shape check.
    family: str = ""


_SERVER = f"{OPS} breaks this rule: fix the server"
_SCHEMA = f"{OPS} answers what the spec does not say: fix the server, or document it"
_ROWS = (
    Check("not_a_server_error", "no 5xx: a server error is never a contract answer",
          SERVER_ERROR, True, f"{OPS} fails with a server error: fix the server"),
    Check("status_code_conformance", "a status the spec documents for this operation",
          SPEC_EDIT, True, _SCHEMA),
    Check("content_type_conformance", "a content type the spec documents for this answer",
          SPEC_EDIT, True, _SCHEMA, per_status=True),
    Check("response_headers_conformance", "the response headers the spec documents",
          "a documented header the server does not send", True,
          f"{OPS} does not send a documented header: fix the server, or drop it from the spec",
          per_status=True),
    Check("response_schema_conformance", "a body that matches the spec's schema",
          SPEC_EDIT, True, _SCHEMA, per_status=True),
    Check("response_schema_under_any_content_type", "a JSON body that matches the spec's schema",
          SPEC_EDIT, True, _SCHEMA, per_status=True),
    Check("error_body_discloses_internals", "an error body without server internals",
          SECURITY, True,
          f"{OPS} puts server internals in its error bodies: log them, do not send them "
          "(fix the server, security)", per_status=True),
    Check("error_body_echoes_credentials", "an error body without the credentials sent",
          SECURITY, True,
          f"{OPS} echoes credentials in its error bodies: fix the server (security)",
          per_status=True),
    Check("count_matches_items", "count equal to the number of items",
          "a count that is not the number of items listed", True,
          f"{OPS} answers a count that is not its number of items: fix the server"),
    Check("shows_requested_resource", "the resource with the id requested",
          "an answer about another resource than the one asked for", True,
          f"{OPS} answers another resource than the one its path names: fix the server"),
    Check("negative_data_rejection", "4xx: the request breaks the schema",
          "the server accepts what the spec forbids: validate it", False,
          f"{OPS} accepts a request that breaks the schema: validate it, or relax the schema"),
    Check("positive_data_acceptance", "2xx: the request is schema-valid", SPEC_EDIT, False,
          f"{OPS} rejects a schema-valid request: document its rule, or relax the server"),
    Check("missing_required_header", "a 4xx when a required header is missing", SECURITY,
          False, f"{OPS} does not require a header the spec requires: fix the server"),
    Check("unsupported_method",
          "405 with an Allow header for a method the path does not define",
          "an undeclared method not answered 405", False,
          f"{OPS}: answer 405 with Allow to a method the path does not define"),
    Check("allow_header_conformance", "an Allow header listing the methods the spec defines",
          "a 405 without a correct Allow header", False,
          f"{OPS}: make Allow list the path's methods"),
    Check("use_after_free", "404 for a resource after it was deleted",
          "a resource served after its removal", False,
          f"{OPS} still serves deleted resources: fix the server"),
    Check("ensure_resource_availability", "the resource just created, readable at once",
          "a created resource that cannot be read back", False,
          f"{OPS} does not find a resource just created (a lagging read replica or cache?): "
          "fix the server"),
    Check("ignored_auth", "401 without valid credentials", SECURITY, False,
          f"{OPS} does not check credentials: fix the server (security)"),
    Check("object_level_authorization", "404 for another user's resource (spec: Scope)",
          SECURITY, False, f"{OPS} leaks other users' data: fix the server (security)",
          two_users=True),
    Check("malformed_path_id_answers_400", "400 for a path id that is not an integer >= 0",
          "a rule the spec states in prose", False,
          f"{OPS} answered 404 to a malformed id: make the server answer 400 there "
          "(Rails: constrain the route's :id to digits)"),
    Check("large_integer_accepted", "a 2xx for an integer the spec allows", SPEC_EDIT, False,
          _SERVER),
    Check("long_string_accepted", "a 2xx for a string as long as the spec allows", SPEC_EDIT,
          False, _SERVER),
    Check("long_array_accepted", "a 2xx for an array as long as the spec allows", SPEC_EDIT,
          False, _SERVER),
    Check("unicode_string_accepted", "a 2xx for a free-form string in any script",
          "an allowed Unicode string refused: fix the server", False,
          f"{OPS} refuses a string the spec allows: fix the server"),
    Check("list_scope", "a list of the user's own resources only (spec: Scope)", SECURITY,
          False, f"{OPS} lists other users' resources: fix the server (security)",
          two_users=True),
    Check("error", "an HTTP answer", "a request that got no answer", False,
          f"{OPS} gave no HTTP answer: check the server and the network"),
    Check("max_response_time", "an answer within the response-time limit",
          "an answer slower than the limit", False, f"{OPS} answers too slowly: fix the server",
          off="it needs a response-time limit; speed is measured in bench/, not asserted"),
    # Behavioural checks (behave.py, checks_behave.py): what the API does between answers.
    Check("error_code_matches_status", "an Error body whose code equals the HTTP status",
          "a rule the spec states in prose", True,
          f"{OPS} answers an Error whose code is not its status: fix the server",
          source="spec: Error.code (the HTTP status code, repeated)", family="errors"),
    Check("success_is_not_an_error", "a 2xx answer with its documented body, not an Error",
          "a rule the spec states in prose", True,
          f"{OPS} answers 2xx with an Error body (a soft error): answer the error's status",
          source="spec: Errors (every error answers one Error body)", family="errors"),
    Check("missing_and_foreign_alike", "the same status and error for another user's "
          "resource as for a missing one (spec: Scope)", SECURITY, False,
          f"{OPS} tells another user's resource from a missing one: answer both alike "
          "(security)", two_users=True, severity="high", family="errors",
          source="spec: Scope (another user's song answers 404, exactly like an unknown id); "
          "OWASP API1"),
    Check("list_ids_unique", "a list that names each resource once",
          "a list that names a resource twice", True,
          f"{OPS} lists one resource twice (a JOIN without DISTINCT?): fix the server",
          source="spec: lists are not paginated and count equals the number of items",
          family="lists"),
    Check("listed_items_readable", "every listed item readable by the lister",
          "a listed item its lister cannot read", False,
          f"{OPS} lists an item that its read does not find: fix the server",
          source="spec: Scope (a user sees only their own songs, in the list and by id)",
          family="lists"),
    Check("read_your_writes", "a created resource found by its read and in its list",
          "a created resource that cannot be read back", False,
          f"{OPS} does not show a resource just created: fix the server",
          source="spec: createSong (poll getSong; listSongs lists the songs)",
          severity="high", family="round_trip"),
    Check("round_trip", "every property read back as the create sent it",
          "a stored value that differs from the one sent", False,
          f"{OPS} stores another value than the one sent: fix the server, or declare the "
          "transformation (x-imuze-transform)",
          source="the create request's and the read models' shared properties",
          family="round_trip"),
    Check("server_owned_fields_ignored", "a create that ignores or refuses the fields only "
          "the server sets", SECURITY, False,
          f"{OPS} lets a client set a field only the server sets (mass assignment): fix the "
          "server (security)", severity="high", family="mass_assignment",
          source="the read models' properties the create request lacks, and readOnly; "
          "OWASP API3"),
    Check("authenticated_answer_not_shared", "an answer to a secured operation with "
          "Cache-Control: private or no-store, and no public", SECURITY, True,
          f"{OPS} does not forbid shared caches to keep an authenticated answer: send "
          "Cache-Control: private or no-store, never public (security)", severity="high",
          family="caching",
          source="RFC 9111 §3.5 and §5.2.2 (private, no-store, public); OWASP API8"),
    Check("cors_credentials_not_any_origin", "CORS credentials granted to no wildcard or "
          "echoed Origin", SECURITY, True,
          f"{OPS} grants credentials to any origin: allow-list the origins (security)",
          severity="high", family="caching",
          source="Fetch standard, CORS protocol; OWASP API8"),
    Check("lifecycle_transition_allowed", "a status that moves only as the lifecycle allows, "
          "and stays once terminal", "a rule the spec states in its lifecycle", False,
          f"{OPS} moves a resource's status in a way its lifecycle forbids: fix the server",
          source="spec: AnySongStatus x-imuze-lifecycle (transitions, terminal)",
          family="lifecycle"),
    Check("lifecycle_fields_match_state", "the fields the status implies (e.g. mp3_url only "
          "when ready)", "a rule the spec states in its lifecycle", False,
          f"{OPS} answers fields its status does not imply: fix the server",
          source="spec: AnySongStatus x-imuze-lifecycle (states)", family="lifecycle"),
    Check("lifecycle_reaches_terminal", "a created resource that reaches a terminal state "
          "within the lifecycle's bound", "a rule the spec states in its lifecycle", False,
          f"{OPS} never finishes a resource: fix the server",
          source="spec: AnySongStatus x-imuze-lifecycle (bound_seconds)", family="lifecycle"),
    # Links and media (behave_links.py): every URL-valued field fetched.
    Check("link_serves_its_media", "a URL in an answer that answers 2xx with the media type "
          "its x-imuze-media names", "a link that leads nowhere, or to something else",
          False, f"{OPS} answers a link that does not serve what the spec names: fix the "
          "server, or the field's x-imuze-media", severity="high", family="links",
          source="spec: Media, and each URL-valued property's x-imuze-media (type)"),
    Check("link_honours_range", "206 with the byte asked for, to a single Range on a link "
          "that promises ranges", "a rule the spec states in prose", False,
          f"{OPS} answers a link that ignores Range: serve single byte ranges (206)",
          severity="low", family="links",
          source="spec: Media (honour a single Range), x-imuze-media range; RFC 9110 §14.2"),
    Check("link_denied_to_others", "a link on the API's origin denied (4xx) to another "
          "user than its owner", SECURITY, False,
          f"{OPS} answers a link that any user can fetch: check its owner (security)",
          two_users=True, severity="high", family="links",
          source="spec: Scope and Media (fetched with the owner's Authorization); OWASP API1"),
    # Inputs no fuzzer sends (behave_inputs.py): every path, every request body.
    Check("head_like_get", "HEAD answered as GET without a body where GET is defined, else "
          "4xx; never 5xx", "a rule the spec states in prose", False,
          f"{OPS} mishandles HEAD: answer it as GET without a body (most frameworks do)",
          severity="low", family="inputs",
          source="RFC 9110 §9.3.2 (HEAD), §15.5.6 (405); spec: Errors"),
    Check("options_answered", "OPTIONS answered 2xx or 405, an Allow naming the path's "
          "methods on a 405 (and on a 2xx that sends one); never 5xx",
          "a rule the spec states in prose", False,
          f"{OPS} mishandles OPTIONS: answer 405 (or 2xx) with Allow", severity="low",
          family="inputs",
          source="RFC 9110 §9.3.7 (OPTIONS is optional), §10.2.1 and §15.5.6 (Allow)"),
    Check("accept_without_json", "406, or a JSON answer, to an Accept that excludes JSON",
          "a rule the spec states in prose", False,
          f"{OPS} answers an Accept without JSON with something else: answer 406 (or JSON)",
          severity="low", family="inputs", source="RFC 9110 §12.5.1 and §15.5.7; spec: Errors"),
    Check("deep_body_refused", "a 4xx, never 5xx, to a body nested deeper than its schema",
          SERVER_ERROR, False,
          f"{OPS} fails on a deeply nested body: cap the parser's depth and answer 400",
          severity="medium", family="inputs",
          source="the request schemas' depth; OWASP API4 (unrestricted resource consumption)"),
    Check("oversized_body_refused", "413 or another 4xx, never 5xx, to a body over 1 MiB "
          "that breaks the schema", SERVER_ERROR, False,
          f"{OPS} fails on a large body: limit the body size and answer 413",
          severity="medium", family="inputs",
          source="RFC 9110 §15.5.14 (413); OWASP API4 (unrestricted resource consumption)"),
    Check("duplicate_keys_consistent", "a 4xx, or the last value kept, for a JSON key sent "
          "twice; never 5xx", "a rule the spec states in prose", False,
          f"{OPS} reads a duplicated JSON key as no other parser does: refuse it (400) or "
          "keep the last value", severity="low", family="inputs",
          source="RFC 8259 §4 (names SHOULD be unique); ECMA-262 JSON.parse keeps the last"),
    Check("wrong_charset_refused", "a 4xx, never 5xx, to latin-1 bytes said to be JSON in "
          "latin-1", SERVER_ERROR, False,
          f"{OPS} fails on a body that is not UTF-8: answer 400", severity="low",
          family="inputs", source="RFC 8259 §8.1 (JSON exchanged is UTF-8); spec: Errors (400)"),
    # Tokens (behave.py, tokens.py): what POST /tokens issues.
    Check("tokens_unguessable", "tokens without a sequence, of at least 64 bits of "
          "estimated entropy", SECURITY, False,
          f"{OPS} issues guessable tokens: draw them from a CSPRNG (128 bits or more)",
          severity="high", family="tokens",
          source="RFC 6749 §10.10 (tokens not guessable); OWASP API2 (broken authentication)"),
)  # fmt: skip

#: Every check, by id.
CHECKS: Mapping[str, Check] = {row.id: row for row in _ROWS}
#: The checks that judge one answer on its own, in the order they judge it.
SINGLE_ANSWER = tuple(row.id for row in _ROWS if row.single_answer)
#: The checks that judge only the answers of one status.
PER_STATUS = frozenset(row.id for row in _ROWS if row.per_status)


#: Why a check that needs a second user did not run.
NO_SECOND_USER = (
    "it needs a second user: set IMUZE_OTHER_EMAIL and IMUZE_OTHER_PASSWORD "
    "(or IMUZE_OTHER_API_KEY)"
)


#: Why a behavioural check did not run in a run that switched them off (the bench's baseline).
BEHAVIOUR_OFF = "the behavioural checks were switched off (RunOptions(behaviour=False))"


def behavioural() -> frozenset[str]:
    """The behavioural checks: the rows of a family."""
    return frozenset(row.id for row in _ROWS if row.family)


def checks_of_run(
    users: int, behaviour: bool = True
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(the checks a run with this many users runs, (check, why) for those it cannot);
    without `behaviour`, the behavioural checks are among the latter."""
    ran, not_run = [], []
    for row in _ROWS:
        why = row.off or (NO_SECOND_USER if row.two_users and users < 2 else None)
        why = why or (BEHAVIOUR_OFF if row.family and not behaviour else None)
        if why is None:
            ran.append(row.id)
        else:
            not_run.append((row.id, why))
    return tuple(ran), tuple(not_run)


def row_of(check: Callable[..., Any] | str) -> Check:
    """The row of a check, by its id or by the function that implements it."""
    return CHECKS[check if isinstance(check, str) else check.__name__]


#: The README's behavioural-check table sits between these lines (tests/contract/test_behave.py
#: fails when it drifts from the rows).
TABLE_START = "<!-- behavioural checks: generated from imuze_contract/check_table.py -->"
TABLE_END = "<!-- end of behavioural checks -->"


def behaviour_table() -> str:
    """The behavioural checks as a Markdown table, from their rows."""
    lines = [
        "| check | family | rule | derived from | severity | a deviation is |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in _ROWS:
        if row.family:
            whose = (
                "a candidate spec edit" if row.disposition is SPEC_EDIT else "the server's to fix"
            )
            lines.append(
                f"| `{row.id}` | {row.family} | {row.rule} | {row.source} | {row.severity} "
                f"| {whose} |"
            )
    return "\n".join(lines)
