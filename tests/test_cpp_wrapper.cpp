// The header-only C++ wrapper: RAII, exceptions carrying status and message.
#include <catch2/catch.hpp>

#include <cmath>

#include "convt/convt.hpp"
#include "support.hpp"

TEST_CASE("convt.hpp: Layer runs, moves, and throws convt::Error", "[cpp][quick]") {
  const auto w = test::random_vector(16 * 33 * 3 * 5, 2);
  const auto x = test::random_vector(2 * 16 * 6 * 7, 1);
  convt::Params p(16, 33, {3, 5});
  p.stride(2, 1).padding(4, 2);
  convt::Layer layer(p, w.data());
  const convt::Shape in{2, 16, 6, 7};
  const convt::Shape out = layer.output_shape(in);
  CHECK(out == convt::Shape{2, 33, 5, 7});  // (6-1)*2 - 8 + 2 + 1 = 5; (7-1) - 4 + 4 + 1 = 7
  std::vector<float> y(static_cast<size_t>(out[0] * out[1] * out[2] * out[3]));
  layer.run(in, x.data(), y.data(), y.size());

  convt::Layer moved = std::move(layer);
  CHECK(layer.get() == nullptr);
  std::vector<float> y2(y.size());
  moved.run(in, x.data(), y2.data(), y2.size());
  CHECK(y == y2);

  try {
    moved.run({2, 15, 6, 7}, x.data(), y.data(), y.size());
    FAIL("expected convt::Error");
  } catch (const convt::Error& e) {
    CHECK(e.status() == CONVT_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(e.what()).find("to have 16 channels, but got 15") != std::string::npos);
  }
  CHECK_THROWS_AS(convt::Layer(convt::Params(16, 33, 0), w.data()), convt::Error);
  CHECK(convt::version() == convt_version_string());
  CHECK(convt::cpu_isa() == convt_cpu_isa());
}
