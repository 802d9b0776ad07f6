# One entry point for every job. Each target bootstraps .venv through the setup stamp,
# so a fresh clone needs nothing installed by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.setup-stamp
export PATH := $(BIN):$(PATH)

SPEC      := spec/openapi.yaml
SPECTRAL  := tools/node_modules/.bin/spectral
PYRIGHT   := tools/node_modules/.bin/pyright
GENERATE  := openapi-python-client generate --path $(SPEC) --config spec/generator-config.yaml \
             --custom-template-path spec/templates \
             --meta none --fail-on-warning --overwrite --output-path

.PHONY: help setup generate check-generated check-spec-compat lint typecheck verifytypes test \
        test-py test-matrix demo bench \
        contract-live contract-deep mock clean adopt

help:
	@echo "make demo             the documented workflow end to end against the bundled mock"
	@echo "make test             lint + typecheck + check-generated + check-spec-compat + pytest + matrix"
	@echo "make test-matrix      the built wheel in fresh venvs: newest and lowest, Python 3.11-3.13"
	@echo "make generate         regenerate generated/imuze_client, then report what changed"
	@echo "make adopt OVERLAY=F  apply an Overlay (imuze contract --propose F) to the spec, regenerate"
	@echo "make check-generated  fail with a diff if generated/ is stale or hand-edited"
	@echo "make check-spec-compat fail on a breaking change since spec/released/ not acknowledged"
	@echo "make lint             openapi-spec-validator + Spectral + ruff"
	@echo "make typecheck        mypy --strict"
	@echo "make verifytypes      pyright --verifytypes: imuze's and imuze_ext's public types 100% complete"
	@echo "make contract-live    imuze contract against IMUZE_BASE_URL (reports/contract-live.md)"
	@echo "make contract-deep    a long contract exploration (SEED=…, BUDGET=seconds)"
	@echo "make bench            benchmarks, written to bench/RESULTS.md and bench/results.json"
	@echo "make mock             serve the mock on 127.0.0.1:8000"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt tools/package.json tools/package-lock.json
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	npm ci --prefix tools --no-audit --no-fund --loglevel=error
	touch $@

# Ends with what the edit means for clients (wire + Python API) against the committed spec.
# Generated into a temporary folder first: a failure leaves generated/ as it was.
generate: $(STAMP)
	@imuze-spec generate $(SPEC) --into generated
	@if git cat-file -e HEAD:$(SPEC) 2>/dev/null; then \
	  imuze-spec diff HEAD:$(SPEC) $(SPEC); \
	else echo "generate: no committed $(SPEC) to compare with"; fi

# Adopt a proposal (`imuze contract --propose drift.yaml`): apply it to the spec, regenerate the
# client and print both verdicts against the committed spec. Commits nothing: review with
# `git diff`, then check-spec-compat says which breaking changes to acknowledge.
adopt: $(STAMP)
	@test -n "$(OVERLAY)" || { echo "adopt: name the overlay: make adopt OVERLAY=drift.yaml" >&2; \
	  exit 2; }
	imuze-spec apply $(SPEC) $(OVERLAY) -o $(SPEC)
	@$(MAKE) --no-print-directory generate

check-generated: $(STAMP)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GENERATE) "$$tmp/imuze_client" >/dev/null || exit 1; \
	if ! diff -ru --exclude=__pycache__ generated/imuze_client "$$tmp/imuze_client"; then \
	  echo "check-generated: generated/imuze_client does not match $(SPEC)." >&2; \
	  echo "  It is stale or was edited by hand. Run 'make generate' and commit both." >&2; \
	  exit 1; \
	fi; \
	echo "check-generated: generated/imuze_client matches $(SPEC)"

# Breaking changes since the released spec fail unless acknowledged in spec/accepted-changes.yaml.
check-spec-compat: $(STAMP)
	imuze-spec check $(SPEC) --baseline spec/released/openapi.yaml \
	  --accepted spec/accepted-changes.yaml

lint: $(STAMP)
	openapi-spec-validator $(SPEC)
	$(SPECTRAL) lint $(SPEC) --ruleset .spectral.yaml --fail-severity=warn
	ruff check .
	ruff format --check .

typecheck: $(STAMP)
	mypy

# pyright (pinned in tools/package.json) finds the venv's packages through the `python` on
# PATH, which is the venv's here; it exits non-zero below a 100% completeness score.
verifytypes: $(STAMP)
	$(PYRIGHT) --verifytypes imuze --ignoreexternal
	$(PYRIGHT) --verifytypes imuze_ext --ignoreexternal

# In CI (CI set) pytest also writes a JUnit report to reports/ (git-ignored).
test-py: $(STAMP)
	pytest -n 2 -m "not wheel" $${CI:+--junitxml=reports/junit.xml}

# The install matrix (tests/test_wheel_install.py): `uv build`, then the wheel in five fresh
# venvs outside the repository with no constraints file, the newest versions the ranges allow
# (client only on 3.11; every extra on 3.11, 3.12, 3.13) and the lowest (3.11), each used as
# a user would; twine check on the wheel and the sdist. Interpreters come from pyenv (or the
# system); one that is missing is named (a failure in CI). The venvs share uv's cache.
test-matrix: $(STAMP)
	pytest -p no:cacheprovider -m wheel tests/test_wheel_install.py \
	  $${CI:+--junitxml=reports/junit-matrix.xml}

test: lint typecheck verifytypes check-generated check-spec-compat test-py test-matrix

demo: $(STAMP)
	@# With IMUZE_BASE_URL set, run against that API (credentials from IMUZE_API_KEY, or
	@# IMUZE_EMAIL + IMUZE_PASSWORD); otherwise against the bundled mock on a free port.
	@set -e; compose="imuze compose --title 'Morning Over The Bay' --tag calm --length 20 --out out"; \
	if [ -n "$$IMUZE_BASE_URL" ]; then \
	  echo "demo: against $$IMUZE_BASE_URL"; eval "$$compose"; \
	else \
	  eval "imuze-mock --port 0 -- $$compose"; \
	fi

# wrk from Debian and Prism (pinned in bench/package.json) are installed here only, so that
# setup and test stay lean. Writes bench/results.json and bench/RESULTS.md; fails only when a
# benchmark cannot run, never for a missed goal.
bench: $(STAMP) bench/node_modules/.bin/prism
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	python -m bench.run

bench/node_modules/.bin/prism: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	touch $@

# `imuze contract` (the drift report, imuze_contract/) against IMUZE_BASE_URL with IMUZE_API_KEY
# (or IMUZE_EMAIL + IMUZE_PASSWORD); IMUZE_OTHER_EMAIL + IMUZE_OTHER_PASSWORD add the second user
# that object_level_authorization needs. SEED=N repeats a run. Fails only on deviations not in
# BASELINE (accepted ones are listed apart); UPDATE=1 adds this run's new ones to it. Writes
# reports/contract-live.md, .xml and .json. Against a local mock: imuze-mock --port 0 -- make contract-live
BASELINE ?= contract-baseline.yaml
contract-live: $(STAMP)
	@test -n "$$IMUZE_BASE_URL" || { echo "contract-live: set IMUZE_BASE_URL and IMUZE_API_KEY" \
	  "(or IMUZE_EMAIL + IMUZE_PASSWORD)" >&2; exit 2; }
	@mkdir -p reports
	imuze contract $(if $(SEED),--seed $(SEED)) --baseline $(BASELINE) \
	  $(if $(UPDATE),--baseline-update) \
	  --report-md reports/contract-live.md --junit reports/contract-live.xml \
	  --report-json reports/contract-live.json

# `st run` with schemathesis.toml against a fresh mock, every phase repeating until BUDGET
# seconds are spent. SEED=N reproduces a run (st prints the seed it used).
BUDGET ?= 600
contract-deep: $(STAMP)
	imuze-mock --port 0 -- sh -c 'st run $(SPEC) --url "$$IMUZE_BASE_URL" --workers 2 \
	  --max-time $(BUDGET) --max-examples 1000 $(if $(SEED),--seed $(SEED)) \
	  --report junit --report-junit-path reports/contract-deep.xml'

mock: $(STAMP)
	imuze-mock --host 127.0.0.1 --port 8000

clean:
	rm -rf $(VENV) tools/node_modules bench/node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis out
