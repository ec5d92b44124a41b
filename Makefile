# Two commands do everything on a fresh machine (see README):
#   make run    set up, then compare the bundled example pair
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# torch must come from the local CPU wheel first (see README "Install").
TORCH ?= torch==2.13.0

.PHONY: run test setup venv models bench bench-corpus clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e ".[embed,build,ner,corpus,bench,dev]"
	@touch $(STAMP)

venv: $(STAMP)
setup: $(STAMP)

# `unspun setup` is a no-op when the encoder is already built for this version.
models: $(STAMP)
	@$(VENV)/bin/unspun setup

run: models
	$(VENV)/bin/unspun compare examples/harbor_original.txt examples/harbor_rewrite.txt --html harbor-report.html

test: models
	$(PY) -m pytest -q

bench: models
	$(PY) bench/segment_eval.py
	$(PY) bench/align_eval.py
	$(PY) bench/same_story_eval.py
	$(PY) bench/drift_eval.py
	$(PY) bench/speed.py --findings

# ~10 minutes each: the corpus benchmarks (news domain, all domains)
bench-corpus: models
	$(PY) bench/corpus_eval.py --domains news
	$(PY) bench/corpus_eval.py --domains all --no-baselines

clean:
	rm -rf $(VENV) .pytest_cache harbor-report.html
