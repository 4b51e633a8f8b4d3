# Rounds — run `make` or `make help` for the targets.
PREFIX ?= /usr/local
SWIFT ?= swift
CORPUS ?= Tests/Corpus

.DEFAULT_GOAL := help
.PHONY: lint format help deps build release test demo bench chaos mutate install clean
# A private Python for the third-party FHIR validator the tests use (not the system's packages).
PYVENV ?= .build/pyvenv

help: ## List every target with one line
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

deps: ## Install what builds and tests need and a fresh machine lacks (libcurl, PAM, libpq, PostgreSQL, tmux, Chromium, poppler; checkers in $(PYVENV))
	@need=""; \
	[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || need="$$need libcurl4-openssl-dev"; \
	[ -f /usr/include/security/pam_appl.h ] || need="$$need libpam0g-dev"; \
	[ -f /usr/include/postgresql/libpq-fe.h ] || need="$$need libpq-dev"; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || need="$$need postgresql"; \
	command -v tmux >/dev/null 2>&1 || need="$$need tmux"; \
	[ -x /usr/bin/time ] || need="$$need time"; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || need="$$need poppler-utils"; \
	if [ -n "$$need" ]; then echo "deps: installing$$need"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$need >/dev/null; fi
	@$(PYVENV)/bin/python -c "import fhir.resources, cryptography" 2>/dev/null || { \
		echo "deps: installing fhir.resources and cryptography into $(PYVENV)"; \
		python3 -m venv $(PYVENV) && $(PYVENV)/bin/pip install -q 'fhir.resources==6.4.0' 'pydantic<2' 'cryptography>=42'; }

build: deps ## Build rounds and rounds-sandbox (debug)
	$(SWIFT) build

# The Swift runtime and Foundation are linked in: a workstation needs only the system libraries
# (ncurses, sqlite3, libcrypto, libpq, libpam, libcurl), and the binary starts faster.
release: deps ## Build optimised binaries (the Swift runtime linked in)
	$(SWIFT) build -c release --static-swift-stdlib

test: deps build ## Build and run every test (unit, sandbox over HTTP, SQLite, TUI under tmux, FHIR validator)
	TZ=UTC ROUNDS_BIN_DIR="$$($(SWIFT) build --show-bin-path)" ROUNDS_CORPUS="$(abspath $(CORPUS))" \
		ROUNDS_PYTHON="$(abspath $(PYVENV))/bin/python" $(SWIFT) test

demo: deps build ## Start the sandbox FHIR server with synthetic patients and open Rounds on it
	@ROUNDS_BIN_DIR="$$($(SWIFT) build --show-bin-path)" sh Scripts/demo.sh

bench: release ## Measure sync, offline search and TUI figures (release build)
	@ROUNDS_BIN_DIR="$$($(SWIFT) build -c release --show-bin-path)" bash Scripts/bench.sh

chaos: build ## Rounds against every adversary profile of the sandbox: result, peak memory, time to give up
	@ROUNDS_BIN_DIR="$$($(SWIFT) build --show-bin-path)" python3 Scripts/chaos_matrix.py $(ONLY)

lint: ## swift format lint --strict (.swift-format: 120 columns), then Scripts/lint.py (long strings, file names, audit writes)
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift
	python3 Scripts/lint.py

format: ## Rewrite the sources in the committed style (swift format)
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Package.swift

mutate: deps ## Apply each named mutation (Scripts/mutations.txt) to a copy of HEAD; fail unless every one is caught
	@python3 Scripts/mutate.py "$(ONLY)"

install: release ## Install rounds, rounds-sandbox and the themes under PREFIX (default /usr/local)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/rounds/themes
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/rounds" $(DESTDIR)$(PREFIX)/bin/rounds
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/rounds-sandbox" $(DESTDIR)$(PREFIX)/bin/rounds-sandbox
	install -m 0644 Themes/*.theme $(DESTDIR)$(PREFIX)/share/rounds/themes/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 Docs/rounds.1 $(DESTDIR)$(PREFIX)/share/man/man1/rounds.1
	"$$($(SWIFT) build -c release --show-bin-path)/rounds" completion bash \
		> $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rounds
	"$$($(SWIFT) build -c release --show-bin-path)/rounds" completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_rounds

clean: ## Remove build products
	rm -rf .build
