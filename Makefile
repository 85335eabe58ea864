# CRS Bedside Calculator: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck imports pytest trace bench clean venv

# Packaging (issue 7): a separate venv with the runtime deps and PyInstaller only,
# all pinned (requirements.lock + packaging/requirements-build.lock); never the dev extra.
PKG_VENV := .venv-package
PKG_PY := $(PKG_VENV)/bin/python
PKG_STAMP := $(PKG_VENV)/.installed
.PHONY: package package-test sbom package-venv bench-bundle

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
	$(PY) bench/dosing.py

clean:
	rm -rf $(VENV) $(PKG_VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis

$(PKG_STAMP): pyproject.toml requirements.lock packaging/requirements-build.lock packaging/runtime_deps.py
	rm -rf $(PKG_VENV)
	$(PYTHON) -m venv $(PKG_VENV)
	$(PYTHON) packaging/runtime_deps.py > $(PKG_VENV)/runtime-requirements.txt
	$(PKG_PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock \
	  -c packaging/requirements-build.lock -r $(PKG_VENV)/runtime-requirements.txt \
	  -r packaging/requirements-build.lock
	@sh tools/ensure-qt-libs.sh $(PKG_PY)
	@touch $(PKG_STAMP)

package-venv: $(PKG_STAMP)

sbom: $(PKG_STAMP)
	$(PKG_PY) packaging/sbom.py --out build/sbom

package: sbom
	$(PKG_PY) -m PyInstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller packaging/crs-calc.spec

package-test: package
	$(PYTHON) packaging/smoke_test.py dist/crs-calc/crs-calc

# Size, start-up to first paint and peak memory against a Qt hello-world (printed, not asserted).
bench-bundle: $(PKG_STAMP)
	$(PKG_PY) bench/bundle.py
