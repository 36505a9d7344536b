#pragma once
// Debian installs cblas.h under /usr/include/x86_64-linux-gnu/openblas-pthread/ and exposes it on
// the default include path through the alternatives system; pkg-config "openblas" (also behind an
// alternatives link) adds the real folder, so either way this resolves.
#include <cblas.h>
