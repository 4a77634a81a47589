// --peers: per layer, convt AUTO, convt with each forced algorithm that can run the layer
// (REFERENCE only with --with-reference) and the in-process peers that were built in
// (oneDNN, XNNPACK, the GEMM-only floor; bench/peers/*.cpp) are timed interleaved
// (timing.hpp). The Python peers (PyTorch from Debian and from PyPI, ONNX Runtime, OpenVINO;
// bench/peers/*.py) run first, in their own processes, one after another, on the same data
// with the same warm-up and run count, and their medians are merged in. Every engine gets
// the same thread count; every output is compared once with convt's REFERENCE output.
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <sstream>
#include <thread>

#include "convt_runner.hpp"
#include "modes.hpp"
#include "peers/python_peers.hpp"
#include "report.hpp"
#include "suite.hpp"
#include "timing.hpp"
#include "variant.hpp"

#ifndef CONVT_BENCH_PEERS_DIR
#define CONVT_BENCH_PEERS_DIR "peers"
#endif
#ifndef CONVT_BENCH_PEERS_VENV
#define CONVT_BENCH_PEERS_VENV ""
#endif

namespace convt_bench {
namespace {

// Everything of one --peers run that is the same for every layer.
struct PeersRun {
  Options o;  // threads resolved
  int threads = 0;
  std::vector<InprocessPeer> inproc;
  std::vector<PythonPeer> pypeers;
  std::vector<PythonPeerResult> pyres;  // one per Python peer
  std::vector<Column> cols;
  std::string data_dir;  // the Python peers' tensors and outputs; "" if none
};

std::string torch_label(const std::string& version) {
  // "1.13.0a0" -> "torch1.13"; "2.15.0+cu132" -> "torch2.15"
  size_t dot = version.find('.');
  size_t dot2 = dot == std::string::npos ? std::string::npos : version.find('.', dot + 1);
  return "torch" + (dot2 == std::string::npos ? version : version.substr(0, dot2));
}

// The file libconvt was loaded from (for the Python peers to time the same build), or "" if
// convt is linked into this executable.
std::string convt_library_path() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&convt_run), &info) == 0 || !info.dli_fname) return "";
  const std::string path = info.dli_fname;
  return std::filesystem::path(path).filename().string().rfind("libconvt", 0) == 0 ? path : "";
}

std::vector<PythonPeer> python_peers() {
  const std::string peers_dir = env_or("CONVT_BENCH_PEERS_DIR", CONVT_BENCH_PEERS_DIR);
  const std::string system_python = env_or("CONVT_BENCH_SYSTEM_PYTHON", "/usr/bin/python3");
  std::string venv_python = env_or("CONVT_BENCH_PYTHON", "");
  if (venv_python.empty() && *CONVT_BENCH_PEERS_VENV) venv_python = std::string(CONVT_BENCH_PEERS_VENV) + "/bin/python";
  return {
      {"torch_debian", "torch-deb", system_python, peers_dir + "/torch_peer.py"},
      {"torch_pypi", "torch-pypi", venv_python, peers_dir + "/torch_peer.py"},
      {"onnxruntime", "ORT", venv_python, peers_dir + "/ort_peer.py"},
      {"openvino", "OpenVINO", venv_python, peers_dir + "/openvino_peer.py"},
  };
}

// The table's columns, in order: convt's forced algorithms, oneDNN, XNNPACK, the Python
// peers, the GEMM floor; only those of --engines when given.
std::vector<Column> make_columns(const PeersRun& run, const std::vector<int32_t>& concrete) {
  std::vector<Column> cols;
  for (int32_t a : concrete) {
    if (a == CONVT_ALGORITHM_REFERENCE && !run.o.with_reference) continue;
    cols.emplace_back(std::string("convt_") + convt_algorithm_name(a), convt_algorithm_name(a), Kind::ConvtForced, a);
  }
  if (run.o.channels_last) {
    cols.emplace_back("convt_nchw", "convt-NCHW", Kind::ConvtVariant);
    cols.back().variant = Variant::ChannelsFirst;
  }
  if (run.o.activation.activation != CONVT_ACTIVATION_NONE) {
    cols.emplace_back("convt_noact", "convt-noact", Kind::ConvtVariant);
    cols.back().variant = Variant::NoActivation;
    cols.emplace_back("convt_pass", "convt+pass", Kind::ConvtVariant);
    cols.back().variant = Variant::SeparatePass;
  }
  auto add_inproc = [&](const std::string& id, const std::string& label, Kind kind, const char* missing) {
    Column c{id, label, kind};
    for (size_t i = 0; i < run.inproc.size(); ++i)
      if (run.inproc[i].id == id) c.inproc = static_cast<int>(i), c.label = run.inproc[i].label;
    if (c.inproc < 0) c.missing = missing;
    cols.push_back(c);
  };
  add_inproc("onednn", "oneDNN", Kind::Peer, "not built in (libdnnl-dev not found at configure time)");
  add_inproc("xnnpack_nhwc", "XNNPACK(NHWC)", Kind::Peer,
             "not built in (libxnnpack-dev/libpthreadpool-dev not found at configure time)");
  for (size_t i = 0; i < run.pypeers.size(); ++i) {
    Column c{run.pypeers[i].id, run.pypeers[i].label, Kind::Peer};
    c.python = static_cast<int>(i);
    cols.push_back(c);
  }
  add_inproc("gemm_floor", "GEMM-floor", Kind::Floor, "not built in (OpenBLAS's cblas.h not found)");
  if (!run.o.engines.empty()) {
    std::vector<std::string> want;
    std::stringstream list(run.o.engines);
    for (std::string id; std::getline(list, id, ',');) {
      if (std::none_of(cols.begin(), cols.end(), [&](const Column& c) { return c.id == id; }))
        usage_error("--engines: unknown engine '" + id + "'");
      want.push_back(id);
    }
    cols.erase(std::remove_if(cols.begin(), cols.end(),
                              [&](const Column& c) { return std::find(want.begin(), want.end(), c.id) == want.end(); }),
               cols.end());
  }
  return cols;
}

// The suite and each layer's tensors for the Python peers: DIR/suite.txt, DIR/i.x, DIR/i.w,
// DIR/i.b (raw float32; see peer_common.py).
void write_peer_data(const std::string& dir, const std::vector<Layer>& layers) {
  std::string suite_text;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    suite_text += suite_line(l) + "\n";
    try {
      Tensors t = make_tensors(l);
      auto dump = [&](const char* ext, const std::vector<float>& v) {
        std::ofstream out(dir + "/" + std::to_string(i) + ext, std::ios::binary);
        out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
      };
      dump(".x", t.input);
      dump(".w", t.weight);
      if (l.bias) dump(".b", t.bias);
    } catch (const std::bad_alloc&) {
    }
  }
  write_file(dir + "/suite.txt", suite_text);
}

// Runs every requested Python peer on every layer, in its own process, before the
// in-process engines. Each also times this libconvt in its own process (interleaved with
// itself), because the host's speed drifts between processes: its time is then compared in
// its own window, scaled to this one's.
void run_python_peers(PeersRun& run, const std::vector<Layer>& layers) {
  const std::string convt_library = convt_library_path();
  char tmpl[] = "/tmp/convt-bench-XXXXXX";
  if (char* d = mkdtemp(tmpl)) run.data_dir = d;
  run.pyres.assign(run.pypeers.size(), PythonPeerResult{});
  if (run.data_dir.empty()) {
    for (auto& r : run.pyres) r.unavailable = "cannot create a temporary directory";
    return;
  }
  write_peer_data(run.data_dir, layers);
  // The variant, for the peers and for the convt run each times in its own process.
  std::vector<std::string> variant;
  if (run.o.channels_last) variant = {"--layout", "channels-last"};
  if (run.o.activation.activation != CONVT_ACTIVATION_NONE)
    variant.insert(variant.end(), {"--activation", activation_name(run.o.activation)});
  for (size_t i = 0; i < run.pypeers.size(); ++i) {
    const PythonPeer& p = run.pypeers[i];
    const auto is_column = [&](const Column& c) { return c.python == static_cast<int>(i); };
    if (std::none_of(run.cols.begin(), run.cols.end(), is_column)) {
      run.pyres[i].unavailable = "not requested";
      continue;
    }
    if (access(p.interpreter.c_str(), X_OK) == 0)
      std::fprintf(stderr, "convt-bench: running peer %s (%s %s)...\n", p.id.c_str(), p.interpreter.c_str(),
                   p.script.c_str());
    run.pyres[i] = run_python_peer(p, run.data_dir + "/suite.txt", layers.size(), run.threads, run.o.runs,
                                   run.o.min_ms, run.o.warmup, run.data_dir, convt_library, variant);
  }
}

// What the Python peers' runs tell the columns (PyTorch's version in its label; a PyPI
// PyTorch that is Debian's again is left out), and every column's description.
void describe_columns(PeersRun& run) {
  const auto& pyres = run.pyres;
  for (Column& c : run.cols) {
    if (c.python < 0) continue;
    auto& r = run.pyres[static_cast<size_t>(c.python)];
    if (c.id.rfind("torch", 0) == 0 && r.unavailable.empty()) c.label = torch_label(r.version);
    if (c.id == "torch_pypi" && r.unavailable.empty() && pyres[0].unavailable.empty() &&
        r.version == pyres[0].version)
      r.unavailable = "the same PyTorch version as torch_debian";
    if (!r.unavailable.empty()) c.missing = r.unavailable;
  }
  for (Column& c : run.cols) {
    if (!c.missing.empty()) continue;
    if (c.inproc >= 0) {
      c.header_description = c.json_description = run.inproc[static_cast<size_t>(c.inproc)].describe(run.threads);
    } else if (c.python >= 0) {
      const auto& r = pyres[static_cast<size_t>(c.python)];
      const auto& p = run.pypeers[static_cast<size_t>(c.python)];
      c.header_description = r.version + " in its own process (" + p.interpreter + " " +
                             std::filesystem::path(p.script).filename().string() + "): " + r.description;
      c.json_description = r.version + ": " + r.description;
    } else if (c.kind == Kind::ConvtVariant) {
      c.header_description = c.json_description =
          c.variant == Variant::ChannelsFirst ? "convt_run AUTO, channels-first tensors (the same layer otherwise)"
          : c.variant == Variant::NoActivation ? "convt_run AUTO without the activation (not checked)"
                                               : "convt_run AUTO without the activation, then a separate loop over "
                                                 "the output applying it per element with libm (as a caller would)";
    } else {
      c.json_description = "convt_run with this algorithm forced";
    }
  }
}

// The engines of one layer, ready to run: slot 0 is convt AUTO.
struct LayerEngines {
  std::vector<std::unique_ptr<ConvtRunner>> runners;
  std::vector<std::unique_ptr<Engine>> engines;
  std::vector<Slot> slots;
  std::vector<ConvtRunner*> col_runner;  // per column: the forced algorithm's runner, or null
  std::vector<Engine*> col_engine;       // per column: the in-process peer, or null
  ConvtRunner* autor = nullptr;
};

// Sets up convt AUTO (which must work: throws ConvtError), each forced algorithm and each
// in-process peer; the Python peers' cells take their results from their own run. An engine
// that cannot be set up gets its cell's status ("n/a", "error", "-") instead of a slot.
void set_up_engines(const PeersRun& run, size_t li, const Layer& l, const Tensors& t, LayerResult& res,
                    LayerEngines& e, bool& ok) {
  const auto& cols = run.cols;
  e.col_runner.assign(cols.size(), nullptr);
  e.col_engine.assign(cols.size(), nullptr);
  e.runners.push_back(std::make_unique<ConvtRunner>());
  ConvtRunner* autor = e.autor = e.runners.back().get();
  autor->setup(l, CONVT_ALGORITHM_AUTO, run.o.threads, t);
  res.shape = autor->shape();
  res.algorithm = convt_algorithm_name(autor->selected);
  res.ws_mib = static_cast<double>(autor->ws_bytes) / (1024.0 * 1024.0);
  e.slots.emplace_back(-1, [] {}, [autor] { autor->run(); }, [] {});
  LayerData data;
  data.x = t.input.data();
  data.x_channels_last = l.channels_last ? autor->input : nullptr;
  data.w = t.weight.data();
  data.b = l.bias ? t.bias.data() : nullptr;
  for (int i = 0; i < l.rank; ++i) data.out[i] = autor->out_shape[2 + i];
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    const Column& c = cols[ci];
    Cell& cell = res.cells[ci];
    if (!c.missing.empty()) {
      cell.status = "-";
      continue;
    }
    if (c.kind == Kind::ConvtForced) {
      try {
        auto r = std::make_unique<ConvtRunner>();
        r->setup(l, c.algorithm, run.o.threads, t);
        ConvtRunner* rp = r.get();
        e.col_runner[ci] = rp;
        e.runners.push_back(std::move(r));
        e.slots.emplace_back(static_cast<int>(ci), [] {}, [rp] { rp->run(); }, [] {});
      } catch (const ConvtError& err) {
        cell.status = err.cannot_run ? "n/a" : "error";
        cell.note = err.what();
        if (!err.cannot_run) {
          std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: %s\n", l.name.c_str(), c.label.c_str(),
                       err.what());
          ok = false;
        }
      }
    } else if (c.kind == Kind::ConvtVariant) {
      Layer v = l;
      if (c.variant == Variant::ChannelsFirst) v.channels_last = false;
      if (c.variant == Variant::NoActivation || c.variant == Variant::SeparatePass) v.activation = CONVT_ACTIVATION_NONE;
      auto r = std::make_unique<ConvtRunner>();
      try {
        r->setup(v, CONVT_ALGORITHM_AUTO, run.o.threads, t);
      } catch (const ConvtError& err) {
        cell.status = "error", cell.note = err.what();
        std::fprintf(stderr, "convt-bench: layer %s, %s: %s\n", l.name.c_str(), c.label.c_str(), err.what());
        ok = false;
        continue;
      }
      ConvtRunner* rp = r.get();
      e.col_runner[ci] = rp;
      e.runners.push_back(std::move(r));
      if (c.variant == Variant::SeparatePass)
        e.slots.emplace_back(static_cast<int>(ci), [] {}, [rp, l] {
          rp->run();
          activation_pass(l, rp->output.data(), rp->output.size());
        }, [] {});
      else
        e.slots.emplace_back(static_cast<int>(ci), [] {}, [rp] { rp->run(); }, [] {});
    } else if (c.inproc >= 0) {
      const InprocessPeer& peer = run.inproc[static_cast<size_t>(c.inproc)];
      if (std::string lacks = peer.lacks(l); !lacks.empty()) {
        cell.status = "-";
        cell.note = lacks;
        continue;
      }
      std::string why, note;
      auto engine = peer.make(l, data, run.threads, why, note);
      cell.note = note;
      if (!engine) {
        cell.status = "error";
        cell.note = why;
        continue;
      }
      Engine* ep = engine.get();
      e.col_engine[ci] = ep;
      e.engines.push_back(std::move(engine));
      e.slots.emplace_back(static_cast<int>(ci), [ep] { ep->enter(); }, [ep] { ep->run(); }, [ep] { ep->leave(); });
    } else {  // Python peer: already measured
      const auto& r = run.pyres[static_cast<size_t>(c.python)];
      cell.ms = cell.own_ms = r.ms[li];
      cell.own_convt_ms = r.convt_ms[li];
      if (!r.layer_error[li].empty()) cell.status = r.layer_unsupported[li] ? "-" : "error", cell.note = r.layer_error[li];
      else if (!std::isfinite(cell.ms)) cell.status = "error", cell.note = "no result";
    }
  }
}

// Each slot's median, minimum and maximum into its cell (convt AUTO's into res); a slot that
// failed marks its cell "error" (convt AUTO failing throws ConvtError).
void collect_times(const PeersRun& run, const Layer& l, const std::vector<Slot>& slots, LayerResult& res, bool& ok) {
  const auto& cols = run.cols;
  for (const Slot& s : slots) {
    if (!s.error.empty()) {
      if (s.column < 0) throw ConvtError(s.error);
      Cell& cell = res.cells[static_cast<size_t>(s.column)];
      cell.status = "error", cell.note = s.error;
      if (cols[static_cast<size_t>(s.column)].kind != Kind::Peer &&
          cols[static_cast<size_t>(s.column)].kind != Kind::Floor) {
        std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: %s\n", l.name.c_str(),
                     cols[static_cast<size_t>(s.column)].label.c_str(), s.error.c_str());
        ok = false;
      }
      continue;
    }
    const double ms = median_of(s.ms);
    if (getenv("CONVT_BENCH_SAMPLES")) {
      std::string all;
      for (double v : s.ms) all += fmt(" %.3f", v);
      std::fprintf(stderr, "samples %s %s:%s\n", l.name.c_str(),
                   s.column < 0 ? "auto" : cols[static_cast<size_t>(s.column)].id.c_str(), all.c_str());
    }
    const auto [lo, hi] = std::minmax_element(s.ms.begin(), s.ms.end());
    if (s.column < 0) {
      res.ms = ms, res.ms_min = *lo, res.ms_max = *hi;
      continue;
    }
    Cell& cell = res.cells[static_cast<size_t>(s.column)];
    cell.ms = ms, cell.ms_min = *lo, cell.ms_max = *hi;
  }
}

// Compares every measured engine's output with convt's REFERENCE output (the Python peers'
// from the files they wrote); one that differs is marked bad and reported on stderr.
void check_outputs(const PeersRun& run, size_t li, const Layer& l, const std::vector<float>& reference,
                   const LayerEngines& e, LayerResult& res) {
  // Tolerance for a peer's output: float32 sums in another order stay far below it;
  // bf16/tf32 arithmetic, a wrong weight layout or padding are far above it.
  const double tol = 1e-3 * std::max(1.0, res.ref_scale);
  std::vector<float> out;
  for (size_t ci = 0; ci < run.cols.size(); ++ci) {
    Cell& cell = res.cells[ci];
    if (!cell.status.empty()) continue;
    const Column& c = run.cols[ci];
    bool got = false;
    if (c.variant == Variant::NoActivation) continue;  // another function: nothing to check
    if (e.col_runner[ci]) {
      out = e.col_runner[ci]->output_channels_first(), got = true;
    } else if (e.col_engine[ci]) {
      got = e.col_engine[ci]->output_nchw(out);
    } else if (c.python >= 0) {
      std::ifstream in(run.data_dir + "/" + std::to_string(li) + "." + c.id + ".out", std::ios::binary);
      if (in) {
        out.assign(e.autor->output.size(), 0.0f);
        in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
        got = static_cast<size_t>(in.gcount()) == out.size() * sizeof(float) && in.peek() == EOF;
        if (!got) out.clear(), got = true;  // wrong size: NaN diff below
      }
    }
    if (!got) continue;
    cell.diff = max_abs_diff(out, reference);
    if (!(cell.diff <= tol)) {
      cell.bad = true;
      std::fprintf(stderr,
                   "convt-bench: layer %s: %s's output differs from convt's reference by %.3g "
                   "(tolerance %.3g): misconfigured? (not counted as a peer)\n",
                   l.name.c_str(), c.label.c_str(), cell.diff, tol);
    }
  }
  // convt AUTO itself
  double d = max_abs_diff(e.autor->output_channels_first(), reference);
  if (!(d <= tol))
    std::fprintf(stderr, "convt-bench: layer %s: convt AUTO differs from REFERENCE by %.3g\n", l.name.c_str(), d);
}

// GFLOP/s, the Python peers' times in this run's window, the best peer and the speed-up.
void rate(const PeersRun& run, const Layer& l, LayerResult& res) {
  res.gflops = res.ms > 0 ? flops_of(l) / (res.ms * 1e6) : NAN;
  // A Python peer's time in this run's window: its own ms times convt's ms here over
  // convt's ms in the peer's process (so peer / convt is the ratio measured side by side).
  for (Cell& cell : res.cells)
    if (std::isfinite(cell.own_ms) && cell.own_convt_ms > 0 && res.ms > 0)
      cell.ms = cell.own_ms * res.ms / cell.own_convt_ms;
  for (size_t ci = 0; ci < run.cols.size(); ++ci) {
    const Cell& cell = res.cells[ci];
    if (run.cols[ci].kind != Kind::Peer || !cell.status.empty() || cell.bad || !std::isfinite(cell.ms)) continue;
    if (!(cell.ms >= res.best_ms)) res.best_ms = cell.ms, res.best = run.cols[ci].label, res.best_id = run.cols[ci].id;
  }
  if (std::isfinite(res.best_ms) && res.ms > 0) res.speedup = res.best_ms / res.ms;
}

// One layer: set up every engine, interleave, check, rate. Adds to *quiesce_ms the time
// spent waiting for idle threads.
LayerResult measure_layer(const PeersRun& run, size_t li, const Layer& l, double& quiesce_ms, bool& ok) {
  const Options& o = run.o;
  LayerResult res;
  res.l = l;
  res.cells.assign(run.cols.size(), Cell{});
  try {
    Tensors t = make_tensors(l);
    LayerEngines e;
    set_up_engines(run, li, l, t, res, e, ok);
    Schedule schedule;
    schedule.warmup = o.warmup, schedule.runs = o.runs, schedule.min_ms = o.min_ms, schedule.quiesce = o.quiesce;
    quiesce_ms += time_interleaved(e.slots, schedule, static_cast<unsigned>(li) + 1u);

    std::vector<float> reference;
    std::string ref_error;
    if (o.check) {
      reference = reference_output(l, o.threads, t, &ref_error);
      double scale = 0;
      for (float v : reference) scale = std::max(scale, static_cast<double>(std::fabs(v)));
      res.ref_scale = scale;
    }
    const bool have_ref = o.check && (!reference.empty() || e.autor->output.empty());
    collect_times(run, l, e.slots, res, ok);
    if (have_ref) {
      check_outputs(run, li, l, reference, e, res);
    } else if (o.check && !ref_error.empty()) {
      std::fprintf(stderr, "convt-bench: layer %s: no reference output (%s): peers unchecked\n", l.name.c_str(),
                   ref_error.c_str());
    }
    res.ok = true;
    rate(run, l, res);
  } catch (const ConvtError& err) {
    res.error = err.what();
    std::fprintf(stderr, "convt-bench: layer %s, algorithm auto: %s\n", l.name.c_str(), err.what());
    ok = false;
  } catch (const std::bad_alloc&) {
    res.error = "out of memory for the buffers";
    std::fprintf(stderr, "convt-bench: layer %s: out of memory for the buffers\n", l.name.c_str());
    ok = false;
  }
  return res;
}

}  // namespace

int run_peers_mode(const Options& options, const std::vector<Layer>& layers, const std::vector<int32_t>& concrete) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  PeersRun run;
  run.threads = options.threads > 0 ? static_cast<int>(options.threads) : static_cast<int>(hw);
  run.o = options;
  run.o.threads = run.threads;  // convt too gets the resolved count, as every other engine
  run.inproc = inprocess_peers();
  run.pypeers = python_peers();
  run.cols = make_columns(run, concrete);
  run_python_peers(run, layers);
  describe_columns(run);
  print_peers_header(run.o, run.threads, hw, run.cols);

  bool ok = true;
  double quiesce_ms = 0;
  std::vector<LayerResult> results;
  for (size_t li = 0; li < layers.size(); ++li) {
    results.push_back(measure_layer(run, li, layers[li], quiesce_ms, ok));
    std::fprintf(stderr, "convt-bench: layer %s done (%.1f s waiting for idle threads so far)\n",
                 layers[li].name.c_str(), quiesce_ms / 1e3);
  }
  if (!run.data_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(run.data_dir, ec);
  }
  report_peers(run.o, run.threads, hw, run.cols, results);
  if (!ok) std::fprintf(stderr, "convt-bench: some convt runs failed (see above)\n");
  return ok ? 0 : 1;
}

}  // namespace convt_bench
