# CRS Bedside Calculator: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck imports pytest trace bench clean venv

# The stamp is rebuilt whenever the project metadata or the lock changes, so a
# fresh clone and a stale checkout both end up with exactly the pinned set.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@sh tools/ensure-qt-libs.sh $(PY)
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m ui

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy calculator
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider
	$(PY) tools/trace.py

trace: $(STAMP)
	$(PY) tools/trace.py

bench: $(STAMP)
	$(PY) bench/grading.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
