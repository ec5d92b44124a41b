# Two commands do everything on a fresh machine (see README):
#   make run    set up, ingest the bundled example corpus, print its stories, write two reports
#   make test   set up (Chromium via apt when root and missing), then run the test suite
#   make serve  browse the example store at http://127.0.0.1:8000
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# torch must come from the local CPU wheel first (see README "Install").
TORCH ?= torch==2.13.0

.PHONY: run test serve setup venv models browser java bench bench-corpus clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e ".[embed,build,ner,corpus,web,spark,bench,dev]"
	@touch $(STAMP)

venv: $(STAMP)
setup: $(STAMP)

# `unspun setup` is a no-op when the encoder is already built for this version.
models: $(STAMP)
	@$(VENV)/bin/unspun setup

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; nothing is downloaded
# by Playwright itself). Installed only when missing, and only as root; otherwise those tests skip.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
		(apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null); \
	else echo "make: /usr/bin/chromium is missing: browser tests will be skipped (apt-get install chromium)" >&2; fi

# A Java runtime for the Spark tests (pyspark starts a JVM), installed only when missing and only
# as root; otherwise those tests skip.
java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless >/dev/null || \
		(apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless >/dev/null); \
	else echo "make: no Java runtime: Spark tests will be skipped (apt-get install openjdk-17-jre-headless)" >&2; fi

EXAMPLE_DB := out/newsroom.duckdb
UNSPUN := $(VENV)/bin/unspun

# The main job on the bundled corpus (our own articles: stories with copies, edits and heavy
# rewrites that change facts, a follow-up, same-topic distractors): ingest, list the stories,
# write the harbor story's report and a pair report, then say how to browse it.
run: models
	@mkdir -p out
	@rm -f $(EXAMPLE_DB)
	$(UNSPUN) ingest examples/newsroom.jsonl --db $(EXAMPLE_DB)
	$(UNSPUN) stories --db $(EXAMPLE_DB)
	$(UNSPUN) story "$$($(UNSPUN) match examples/harbor_original.txt --db $(EXAMPLE_DB) --json | $(PY) -c 'import json,sys; print(json.load(sys.stdin)["matches"][0]["story"])')" --db $(EXAMPLE_DB) --html out/story-report.html
	$(UNSPUN) compare examples/harbor_original.txt examples/harbor_rewrite.txt --html out/pair-report.html
	@echo
	@echo "Reports: out/story-report.html and out/pair-report.html (open them in a browser)."
	@echo "Browse the whole store: make serve   (then open http://127.0.0.1:8000)"

serve: models
	@test -f $(EXAMPLE_DB) || $(MAKE) run
	$(UNSPUN) serve --db $(EXAMPLE_DB)

test: models browser java
	$(PY) -m pytest -q

bench: models
	$(PY) bench/segment_eval.py
	$(PY) bench/align_eval.py
	$(PY) bench/same_story_eval.py
	$(PY) bench/drift_eval.py
	$(PY) bench/speed.py --findings
	$(PY) bench/web_speed.py

# ~10 minutes each: the corpus benchmarks (news domain, all domains)
bench-corpus: models
	$(PY) bench/corpus_eval.py --domains news
	$(PY) bench/corpus_eval.py --domains all --no-baselines

clean:
	rm -rf $(VENV) .pytest_cache out
