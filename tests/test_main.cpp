// The main of convt-tests and convt-internal-tests: Catch2's, after the kernel level check
// (isa_check.hpp): with CONVT_MAX_ISA=<level> the suite runs at that level, or is skipped
// (77) on a CPU without it.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "isa_check.hpp"

int main(int argc, char** argv) {
  if (!test::catch_listing_only(argc, argv)) {
    const int rc = test::isa_guard(argv[0]);
    if (rc >= 0) return rc;
  }
  return Catch::Session().run(argc, argv);
}
