// convt-bench: wall-clock benchmark of convt_run through the public C API only, alone or
// against other engines (--peers).
//
// Layers are PyTorch's ConvTranspose1d/2d/3d: a suite file of one rank (bench/shapes.txt,
// heldout.txt: 2-D; shapes_1d.txt, shapes_3d.txt), or one layer given with PyTorch-style
// flags (--spatial-dims picks the rank, 2 by default).
//
// Default mode: for each layer and each requested algorithm it creates a handle with
// seeded-random weights, bias and input in [-1, 1), asks the library for the output shape,
// the workspace size and the concrete algorithm it will use, allocates the workspace once
// and passes it to every run, does --warmup untimed runs, then times --runs calls one by
// one with std::chrono::steady_clock (each after --idle-ms of sleep, if given) and reports
// the median. A forced algorithm that cannot run a layer (CONVT_ERROR_UNSUPPORTED, "... cannot
// run this ...") prints "n/a" and is no failure.
//
// --peers: per layer, convt AUTO, convt with each forced algorithm that can run the layer
// (REFERENCE only with --with-reference), the in-process peers that were built in (oneDNN,
// XNNPACK, the GEMM-only floor; bench/peers/*.cpp) are timed interleaved: each engine does
// --warmup runs, then --runs timed runs in rounds: each round runs every engine for a burst
// of 5 back-to-back runs (each round in its own seeded order; before each burst the
// benchmark waits until the process's threads are idle, so one engine's spinning pool does
// not slow the next, then runs the engine untimed for 5 ms so that its own threads are
// awake and the cores at speed, as when it runs in an application's loop), more rounds
// until every engine's timed runs add up to --min-ms; each engine's median is reported.
// The Python peers (PyTorch from Debian and from PyPI, ONNX Runtime, OpenVINO;
// bench/peers/*.py) run in their own processes, one after another, with the same data,
// warm-up and run count, and their medians are merged in. Every engine gets the same
// thread count. Every output is compared once with convt's REFERENCE output.
//
// GFLOP/s counts one multiply-add as 2 flops, the same for every engine:
//   2 * N * Cin * prod(input spatial sizes) * (Cout / groups) * prod(kernel) / median time.
// Every table, CSV and JSON gives convt's workspace (convt_workspace_size) per layer.
// Exit status: 0 ok, 1 a convt call failed, 2 bad usage/suite. Peers never make it fail.
#include <convt/convt.h>

#include <cstdio>

#include "cli.hpp"
#include "modes.hpp"

// Where each part lives: cli.cpp (flags, --help), suite.cpp (suite files, a layer's flops),
// convt_runner.cpp (convt through its C API, the seeded tensors, the reference),
// timing.cpp (medians, idle wait, warm-up, interleaved rounds), report.cpp (tables, CSV,
// JSON, the header line), default_mode.cpp and peers_mode.cpp (the two modes), peers/ (the
// other engines).
int main(int argc, char** argv) {
  convt_bench::Request request;
  if (!convt_bench::parse_command_line(argc, argv, request)) return 0;

  if (convt_version_number() != CONVT_VERSION_NUMBER)
    std::fprintf(stderr, "convt-bench: warning: built against convt %d.%d.%d, running %s\n",
                 CONVT_VERSION_MAJOR, CONVT_VERSION_MINOR, CONVT_VERSION_PATCH, convt_version_string());

  const convt_bench::Options& o = request.options;
  return o.peers ? convt_bench::run_peers_mode(o, request.layers, request.concrete)
                 : convt_bench::run_default_mode(o, request.layers, request.algorithms);
}
