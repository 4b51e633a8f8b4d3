# Rounds — run `make` or `make help` for the targets.
PREFIX ?= /usr/local
SWIFT ?= swift
CORPUS ?= Tests/Corpus

.DEFAULT_GOAL := help
.PHONY: help build release test demo bench install clean

help: ## List every target with one line
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## Build rounds and rounds-sandbox (debug)
	$(SWIFT) build

release: ## Build optimised binaries
	$(SWIFT) build -c release

test: build ## Build and run every test (unit, sandbox over HTTP, SQLite, TUI under tmux)
	TZ=UTC ROUNDS_BIN_DIR="$$($(SWIFT) build --show-bin-path)" ROUNDS_CORPUS="$(abspath $(CORPUS))" $(SWIFT) test

demo: build ## Start the sandbox FHIR server with synthetic patients and open Rounds on it
	@ROUNDS_BIN_DIR="$$($(SWIFT) build --show-bin-path)" sh Scripts/demo.sh

bench: release ## Measure sync, offline search and TUI figures (release build)
	@ROUNDS_BIN_DIR="$$($(SWIFT) build -c release --show-bin-path)" bash Scripts/bench.sh

install: release ## Install rounds, rounds-sandbox and the themes under PREFIX (default /usr/local)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/rounds/themes
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/rounds" $(DESTDIR)$(PREFIX)/bin/rounds
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/rounds-sandbox" $(DESTDIR)$(PREFIX)/bin/rounds-sandbox
	install -m 0644 Themes/*.theme $(DESTDIR)$(PREFIX)/share/rounds/themes/

clean: ## Remove build products
	rm -rf .build
