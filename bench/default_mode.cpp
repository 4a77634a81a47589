// The default mode: for each layer and each requested algorithm a handle with the layer's
// seeded tensors, --warmup untimed runs, --runs timed ones one by one, the median; checked
// once per layer against REFERENCE. A forced algorithm that cannot run a layer
// (CONVT_ERROR_UNSUPPORTED, "... cannot run this ...") is "n/a", no failure.
#include <cstdio>
#include <new>

#include "convt_runner.hpp"
#include "modes.hpp"
#include "report.hpp"
#include "suite.hpp"
#include "timing.hpp"

namespace convt_bench {
namespace {

// Returns false if a convt call failed (already reported on stderr).
bool bench_layer(const Layer& l, const Options& o, const std::vector<int32_t>& algorithms, DefaultReport& report) {
  bool ok = true;
  Tensors t;
  std::vector<float> reference;
  bool have_reference = false;
  try {
    t = make_tensors(l);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "convt-bench: layer %s: out of memory for the tensors\n", l.name.c_str());
    return false;
  }
  for (int32_t algo : algorithms) {
    Row row;
    row.layer = l.name;
    row.rank = l.rank;
    row.input_shape = input_shape_string(l);
    row.requested = convt_algorithm_name(algo);
    try {
      ConvtRunner r;
      r.setup(l, algo, o.threads, t);
      row.ms = median_of(time_each([&r] { r.run(); }, o.warmup, o.runs, o.idle_ms));
      if (o.check && r.selected != CONVT_ALGORITHM_REFERENCE) {
        if (!have_reference) {  // one reference run per layer, shared by its rows
          std::string err;
          reference = reference_output(l, o.threads, t, &err);
          if (reference.empty() && !r.output.empty()) throw ConvtError("reference: " + err);
          have_reference = true;
        }
        row.diff = fmt("%.2e", max_abs_diff(r.output_channels_first(), reference));
      }
      row.gflops = row.ms > 0 ? flops_of(l) / (row.ms * 1e6) : 0;
      row.shape = r.shape();
      row.algorithm = convt_algorithm_name(r.selected);
      row.threads = r.num_threads;
      row.ws_mib = static_cast<double>(r.ws_bytes) / (1024.0 * 1024.0);
      report.row(row);
    } catch (const ConvtError& e) {
      if (e.cannot_run && algo != CONVT_ALGORITHM_AUTO) {
        // Not a failure: this forced algorithm does not apply to the layer.
        row.not_applicable = true;
        row.algorithm = "n/a";
        report.row(row);
        continue;
      }
      std::fflush(stdout);
      std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: %s\n", l.name.c_str(), row.requested.c_str(),
                   e.what());
      ok = false;
    } catch (const std::bad_alloc&) {
      std::fflush(stdout);
      std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: out of memory for the buffers\n", l.name.c_str(),
                   row.requested.c_str());
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int run_default_mode(const Options& o, const std::vector<Layer>& layers, const std::vector<int32_t>& algorithms) {
  DefaultReport report(o, layers);
  // OpenBLAS's own thread spins for about 0.1 s after the library loads: wait that out, or
  // the first layer is timed with one core taken.
  quiesce();
  bool ok = true;
  for (const Layer& l : layers) ok = bench_layer(l, o, algorithms, report) && ok;
  report.finish();
  if (!ok) std::fprintf(stderr, "convt-bench: some layers failed (see above)\n");
  return ok ? 0 : 1;
}

}  // namespace convt_bench
