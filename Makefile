# synthsieve: `make run` sets up .venv and runs the pipeline on the bundled sample corpus; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_OUT ?= out/sample

.PHONY: install run test lint bench clean wheel flex-build flex-spec flex-run

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/synthsieve run sample/corpus/* --output $(SAMPLE_OUT)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

# Dataflow (docs/DEPLOY.md): PROJECT, REGION, BUCKET and SERVICE_ACCOUNT come from the environment.
flex-build flex-spec:
	deploy/dataflow/flex.sh $(@:flex-%=%)

flex-run:
	deploy/dataflow/flex.sh run '$(INPUT)' '$(OUTPUT)'

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache
