// The one translation unit that holds doctest's runner (kept apart so test files compile faster).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
