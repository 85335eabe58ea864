# CRS Bedside Calculator: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck imports pytest trace bench clean venv snapshot bytecode

# Packaging (issue 7): a separate venv with the runtime deps and PyInstaller only,
# all pinned (requirements.lock + packaging/requirements-build.lock); never the dev extra.
PKG_VENV := .venv-package
PKG_PY := $(PKG_VENV)/bin/python
PKG_STAMP := $(PKG_VENV)/.installed
SBOM_VENV := .venv-sbom
SBOM_STAMP := $(SBOM_VENV)/.installed
.PHONY: package package-test package-check sbom package-venv bench-bundle deb deb-test deb-fresh-test

# Reproducible builds (issue 15): the same commit gives the same bytes. File times come from
# the commit, hash seeds and the time zone are fixed; PyInstaller and dpkg-deb honour them.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
BUILD_ENV := SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) PYTHONHASHSEED=0 TZ=UTC LC_ALL=C.UTF-8

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

# The validated ruleset, saved for start-up (calculator/rulebook/snapshot.py): remade whenever
# the rule data or the rulebook's code changes; a stale one is never used, only slower.
SNAPSHOT := calculator/rulebook/data/ruleset.snapshot
$(SNAPSHOT): $(STAMP) $(wildcard calculator/rulebook/*.py) $(wildcard calculator/rulebook/data/*.toml)
	PYTHONHASHSEED=0 $(PY) tools/build_snapshot.py

snapshot: $(SNAPSHOT)

# Byte-code of our packages, written even where PYTHONDONTWRITEBYTECODE is set (as on some
# CI machines): without it every start compiles ~100 modules again (~140 ms of a start-up).
bytecode: $(STAMP)
	@$(PY) -m compileall -q calculator ui resources

# A real window needs Qt's xcb platform libraries too (make test needs only offscreen).
run: $(STAMP) $(SNAPSHOT) bytecode
	@sh tools/ensure-qt-libs.sh $(PY) window
	$(PY) -m ui

# Every check, in this order; each can also be run alone (make lint, make pytest, ...).
test: lint typecheck imports pytest trace

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy calculator

imports: $(STAMP)
	$(VENV)/bin/lint-imports

pytest: $(STAMP) $(SNAPSHOT)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

trace: $(STAMP)
	$(PY) tools/trace.py

# Every bench script there is, in this order; figures printed, never asserted.
BENCHES := grading dosing startup recompute cli robustness
bench: $(STAMP) $(SNAPSHOT) bytecode
	@for b in $(BENCHES); do \
	  echo "== bench/$$b.py"; \
	  QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(PY) bench/$$b.py || exit 1; \
	done

clean:
	rm -rf $(VENV) $(PKG_VENV) $(SBOM_VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis $(SNAPSHOT)

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

# The SBOM tool (CycloneDX's cyclonedx-py) in a venv of its own: never in the bundle's.
$(SBOM_STAMP): packaging/requirements-sbom.lock
	rm -rf $(SBOM_VENV)
	$(PYTHON) -m venv $(SBOM_VENV)
	$(SBOM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -r packaging/requirements-sbom.lock
	@touch $(SBOM_STAMP)

sbom: $(PKG_STAMP) $(SBOM_STAMP)
	rm -rf build/sbom
	$(BUILD_ENV) $(SBOM_VENV)/bin/python packaging/cyclonedx_sbom.py \
	  --env $(PKG_VENV)/bin/python --out build/sbom

package: sbom
	$(BUILD_ENV) $(PKG_PY) tools/build_snapshot.py
	$(BUILD_ENV) $(PKG_PY) -m PyInstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller packaging/crs-calc.spec

# The Debian package of the bundle (dpkg-deb; Depends derived by dpkg-shlibdeps).
deb: package
	@sh tools/ensure-qt-libs.sh $(PKG_PY) window
	@sh packaging/ensure-deb-tools.sh
	$(BUILD_ENV) $(PYTHON) packaging/deb.py dist/crs-calc

package-test: deb
	$(PYTHON) packaging/smoke_test.py dist/crs-calc/crs-calc
	$(SBOM_VENV)/bin/python packaging/cyclonedx_sbom.py \
	  --validate dist/crs-calc/_internal/licenses/crs-calc.cdx.json
	$(PYTHON) packaging/deb_check.py dist/crs-calc_*.deb

# Installs the .deb on this machine (as root), runs the installed program, removes it again.
deb-test: deb
	$(PYTHON) packaging/deb_check.py --install dist/crs-calc_*.deb

# The .deb on a fresh minimal Debian 12 chroot (debootstrap; root and Debian's mirror needed).
deb-fresh-test: deb
	CHROOT=build/fresh-debian sh packaging/fresh_debian_test.sh

# Two builds of one commit must be byte-identical (bundle and install manifest). In one make
# run with package-test, the first build is the one package-test made.
package-check: package
	rm -rf build/check && mkdir -p build/check && cp -a dist/crs-calc build/check/first
	$(MAKE) package
	$(PYTHON) packaging/compare_builds.py build/check/first dist/crs-calc

# Size, start-up to first paint and peak memory against a Qt hello-world (printed, not asserted).
bench-bundle: $(PKG_STAMP)
	$(PKG_PY) bench/bundle.py
