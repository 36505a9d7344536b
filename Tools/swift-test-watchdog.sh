#!/usr/bin/env bash
# `swift test` with line-buffered output (kept in .build/swift-test.log) and a time limit
# (VOXFACE_TEST_LIMIT seconds, 1500 by default). A run that reaches the limit is stopped and the
# tests that started and never finished are named, so a hang says where it is instead of using
# up CI's time. Arguments are passed on to `swift test`.
set -uo pipefail
limit="${VOXFACE_TEST_LIMIT:-1500}"
log=.build/swift-test.log
mkdir -p .build
timeout -k 20 "$limit" stdbuf -oL -eL "${SWIFT:-swift}" test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  echo "swift test: stopped after ${limit} s. Started and never finished:"
  # "◇ Test name() started." against "✔ Test name() passed ..." / "✘ Test name() failed ...".
  grep -aoE '^(◇|✔|✘|➜) Test [^ ]+' "$log" | awk '
    $1 == "◇" { open[$3]++ }
    $1 != "◇" { open[$3]-- }
    END { for (t in open) if (open[t] > 0) print "  " t }'
fi
exit "$status"
