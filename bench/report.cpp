#include "report.hpp"

#include <convt/convt.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <utility>

#ifdef CONVT_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif

#include "suite.hpp"
#include "variant.hpp"

namespace convt_bench {

std::string fmt(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string json_string(const std::string& s) {
  std::string q = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') q += '\\', q += static_cast<char>(c);
    else if (c == '\n') q += "\\n";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      q += buf;
    } else q += static_cast<char>(c);
  }
  return q + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string cpu_model() {
  std::FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (!f) return "unknown";
  char line[512];
  std::string model = "unknown";
  while (std::fgets(line, sizeof line, f)) {
    const std::string l(line);
    const auto colon = l.find(':');
    if (colon != std::string::npos && l.compare(0, 10, "model name") == 0) {
      model = l.substr(colon + 2);
      while (!model.empty() && (model.back() == '\n' || model.back() == ' ')) model.pop_back();
      break;
    }
  }
  std::fclose(f);
  return model;
}

std::string machine_line() {
  std::string s = "CPU " + cpu_model() + "; convt kernels " + convt_cpu_isa() +
                  " (CONVT_MAX_ISA=" + env_or("CONVT_MAX_ISA", "<unset>") + ")";
  for (const char* cap : {"ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY"})
    if (std::getenv(cap)) s += std::string("; ") + cap + "=" + std::getenv(cap);
#ifdef CONVT_BENCH_HAVE_OPENBLAS
  s += std::string("; OpenBLAS core ") + openblas_get_corename();
#endif
  s += " (OPENBLAS_CORETYPE=" + env_or("OPENBLAS_CORETYPE", "<unset>") +
       ", OPENBLAS_L2_SIZE=" + env_or("OPENBLAS_L2_SIZE", "<unset>") + ")";
  return s;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) usage_error("cannot write '" + path + "'");
}

// ===================================================================================
// Default mode
// ===================================================================================

namespace {
const char* const kRowFormat = "%-*s  %-*s  %-17s  %7s  %8s  %11s  %9s  %12s\n";

// The output column's header: "output (NxCxHxW)" for 2-D layers.
std::string output_label(int rank) {
  return rank == 1 ? "output (NxCxL)" : rank == 3 ? "output (NxCxDxHxW)" : "output (NxCxHxW)";
}
}  // namespace

DefaultReport::DefaultReport(const Options& o, const std::vector<Layer>& layers) : o_(o) {
  for (const Layer& l : layers) name_w_ = std::max(name_w_, static_cast<int>(l.name.size()));
  const std::string out_label = output_label(layers.empty() ? 2 : layers[0].rank);
  shape_w_ = std::max(shape_w_, static_cast<int>(out_label.size()));
  if (o.csv) {
    std::puts("layer,output_shape,requested,algorithm,threads,workspace_mib,ms_median,gflops,max_abs_diff,"
              "spatial_dims,input_shape");
  } else {
    unsigned hw = std::thread::hardware_concurrency();
    std::printf("convt %s, %u hardware threads, median of %lld runs after %lld warmup%s; "
                "threads 0 = library default\n",
                convt_version_string(), hw, static_cast<long long>(o.runs),
                static_cast<long long>(o.warmup), o.check ? ", checked against reference" : "");
    std::printf("%s\n", machine_line().c_str());
    if (!layers.empty()) std::printf("tensors %s\n", variant_text(layers[0]).c_str());
    std::printf("\n");
    std::printf(kRowFormat, name_w_, "layer", shape_w_, out_label.c_str(), "algorithm", "threads", "ws MiB",
                "ms (median)", "GFLOP/s", "max_abs_diff");
    std::printf("%s\n",
                std::string(name_w_ + 2 + shape_w_ + 2 + 17 + 2 + 7 + 2 + 8 + 2 + 11 + 2 + 9 + 2 + 12, '-').c_str());
  }
}

void DefaultReport::row(const Row& r) {
  const std::string layer_json = "{\"layer\": " + json_string(r.layer) + ", \"spatial_dims\": " +
                                 std::to_string(r.rank) + ", \"input_shape\": " + json_string(r.input_shape);
  if (r.not_applicable) {
    if (o_.csv)
      std::printf("%s,,%s,n/a,,,,,,%d,%s\n", csv_field(r.layer).c_str(), r.requested.c_str(), r.rank,
                  r.input_shape.c_str());
    else
      std::printf(kRowFormat, name_w_, r.layer.c_str(), shape_w_, "-", ("n/a:" + r.requested).c_str(), "-", "-", "-",
                  "-", "-");
    json_rows_.push_back(layer_json + ", \"requested\": " + json_string(r.requested) + ", \"algorithm\": \"n/a\"}");
    std::fflush(stdout);
    return;
  }
  if (r.gflops > 0) log_sum_ += std::log(r.gflops), ++rated_;
  std::string ws = fmt(o_.csv ? "%.6f" : "%.2f", r.ws_mib), ms = fmt(o_.csv ? "%.6f" : "%.3f", r.ms),
              gf = fmt("%.2f", r.gflops);
  if (o_.csv) {
    std::printf("%s,%s,%s,%s,%lld,%s,%s,%s,%s,%d,%s\n", csv_field(r.layer).c_str(), r.shape.c_str(),
                r.requested.c_str(), r.algorithm.c_str(), static_cast<long long>(r.threads), ws.c_str(),
                ms.c_str(), gf.c_str(), r.diff.c_str(), r.rank, r.input_shape.c_str());
  } else {
    // Under --algorithm all the auto row is marked, so it can be told from the forced rows.
    std::string algo = o_.algorithm == "all" && r.requested == "auto" ? "auto:" + r.algorithm : r.algorithm;
    std::printf(kRowFormat, name_w_, r.layer.c_str(), shape_w_, r.shape.c_str(), algo.c_str(),
                std::to_string(r.threads).c_str(), ws.c_str(), ms.c_str(), gf.c_str(), r.diff.c_str());
  }
  json_rows_.push_back(layer_json + ", \"output_shape\": " + json_string(r.shape) +
                       ", \"requested\": " + json_string(r.requested) + ", \"algorithm\": " +
                       json_string(r.algorithm) + ", \"threads\": " + std::to_string(r.threads) +
                       ", \"workspace_mib\": " + json_number(r.ws_mib) + ", \"ms_median\": " +
                       json_number(r.ms) + ", \"gflops\": " + json_number(r.gflops) +
                       ", \"max_abs_diff\": " + (r.diff == "-" ? "null" : r.diff) + "}");
  std::fflush(stdout);
}

void DefaultReport::finish() {
  char geo[32] = "-";
  if (rated_ > 0) std::snprintf(geo, sizeof geo, "%.2f", std::exp(log_sum_ / rated_));
  // In CSV mode the summary goes to stderr so stdout stays plain CSV.
  std::fprintf(o_.csv ? stderr : stdout, "%sgeomean GFLOP/s over %d rows: %s\n", o_.csv ? "" : "\n", rated_,
               geo);
  if (!o_.json.empty()) {
    std::string j = "{\n  \"convt_version\": " + json_string(convt_version_string()) +
                    ",\n  \"cpu_model\": " + json_string(cpu_model()) +
                    ",\n  \"convt_isa\": " + json_string(convt_cpu_isa()) +
                    ",\n  \"runs\": " + std::to_string(o_.runs) + ",\n  \"warmup\": " + std::to_string(o_.warmup) +
                    ",\n  \"rows\": [\n";
    for (size_t i = 0; i < json_rows_.size(); ++i)
      j += "    " + json_rows_[i] + (i + 1 < json_rows_.size() ? ",\n" : "\n");
    j += "  ],\n  \"geomean_gflops\": " + (rated_ ? json_number(std::exp(log_sum_ / rated_)) : std::string("null")) +
         "\n}\n";
    write_file(o_.json, j);
  }
}

// ===================================================================================
// --peers
// ===================================================================================

void print_peers_header(const Options& o, int threads, unsigned hw, const std::vector<Column>& cols) {
  FILE* info = o.csv ? stderr : stdout;
  std::fprintf(info,
               "convt-bench --peers: convt %s, %d threads for every engine (%u hardware threads); per layer %lld "
               "warm-up runs of each engine, then %lld timed runs in interleaved rounds (every engine a burst of "
               "5 back-to-back runs per round, each round in its own order%s); median ms%s\n",
               convt_version_string(), threads, hw, static_cast<long long>(o.warmup), static_cast<long long>(o.runs),
               o.quiesce ? "; before each burst: other threads idle, then 5 ms of untimed runs" : "",
               o.check ? "; outputs checked against convt's reference" : "");
  std::fprintf(info, "%s\n", machine_line().c_str());
  Layer variant = o.activation;
  variant.channels_last = o.channels_last;
  std::fprintf(info, "tensors %s for every engine\n", variant_text(variant).c_str());
  std::fprintf(info, "engines:\n  %-13s convt_run, AUTO and each forced algorithm that can run the layer, num_threads %lld\n",
               "convt", static_cast<long long>(o.threads));
  for (const Column& c : cols) {
    if (c.kind == Kind::ConvtForced) continue;
    const std::string what = c.missing.empty() ? c.header_description : "- (" + c.missing + ")";
    std::fprintf(info, "  %-13s %s\n", c.label.c_str(), what.c_str());
  }
  std::fprintf(info, "\n");
  std::fflush(info);
}

namespace {

// Geomeans: convt's speed-up over the best peer, and each engine's ms over convt's.
struct Geomeans {
  double speedup = NAN;
  int rated = 0;
  struct PerEngine {
    double log_sum = 0;
    int n = 0;
  };
  std::vector<PerEngine> per;  // one per column
};

Geomeans geomeans_of(const std::vector<Column>& cols, const std::vector<LayerResult>& results) {
  Geomeans g;
  double log_sum = 0;
  for (const auto& r : results)
    if (std::isfinite(r.speedup) && r.speedup > 0) log_sum += std::log(r.speedup), ++g.rated;
  g.speedup = g.rated ? std::exp(log_sum / g.rated) : NAN;
  g.per.resize(cols.size());
  for (const auto& r : results) {
    if (!r.ok || !(r.ms > 0)) continue;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Cell& c = r.cells[ci];
      if (c.status.empty() && !c.bad && c.ms > 0) g.per[ci].log_sum += std::log(c.ms / r.ms), ++g.per[ci].n;
    }
  }
  return g;
}

void print_peers_csv(int threads, const std::vector<Column>& cols, const std::vector<LayerResult>& results,
                     const Geomeans& g) {
  std::string head = "layer,output_shape,threads,convt_ms,algorithm";
  for (const Column& c : cols) head += "," + c.id + "_ms";
  head += ",gflops,best_peer,best_peer_ms,speedup";
  for (const Column& c : cols) head += "," + c.id + "_max_abs_diff";
  for (const Column& c : cols)
    if (c.python >= 0) head += "," + c.id + "_own_ms," + c.id + "_own_convt_ms";
  head += ",spatial_dims,input_shape,workspace_mib";
  std::puts(head.c_str());
  for (const auto& r : results) {
    std::string line = csv_field(r.l.name) + "," + r.shape + "," + std::to_string(threads) + "," +
                       (r.ok ? fmt("%.6f", r.ms) : std::string("error")) + "," + r.algorithm;
    for (const Cell& c : r.cells) line += "," + (c.status.empty() ? fmt("%.6f", c.ms) : c.status);
    line += "," + (std::isfinite(r.gflops) ? fmt("%.2f", r.gflops) : std::string()) + "," + r.best_id + "," +
            (std::isfinite(r.best_ms) ? fmt("%.6f", r.best_ms) : std::string()) + "," +
            (std::isfinite(r.speedup) ? fmt("%.4f", r.speedup) : std::string());
    for (const Cell& c : r.cells) line += "," + (std::isfinite(c.diff) ? fmt("%.3e", c.diff) : std::string());
    for (size_t ci = 0; ci < cols.size(); ++ci)
      if (cols[ci].python >= 0)
        for (double v : {r.cells[ci].own_ms, r.cells[ci].own_convt_ms})
          line += "," + (std::isfinite(v) ? fmt("%.6f", v) : std::string());
    line += "," + std::to_string(r.l.rank) + "," + input_shape_string(r.l) + "," +
            (std::isfinite(r.ws_mib) ? fmt("%.6f", r.ws_mib) : std::string());
    std::puts(line.c_str());
  }
  std::fprintf(stderr, "geomean speed-up of convt over the best peer, %d layers: %s\n", g.rated,
               g.rated ? fmt("%.3f", g.speedup).c_str() : "-");
}

std::string cell_text(const Cell& c) {
  if (!c.status.empty()) return c.status == "error" ? std::string("err") : c.status;
  return fmt("%.3f", c.ms) + (c.bad ? "!" : "");
}

// Per ConvtVariant column: the geomean and the extremes over the layers of the column's ms
// over convt AUTO's (what the run's variant gains or costs against it).
void print_variant_ratios(const std::vector<Column>& cols, const std::vector<LayerResult>& results) {
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    const Column& c = cols[ci];
    if (c.kind != Kind::ConvtVariant) continue;
    double log_sum = 0, lo = INFINITY, hi = -INFINITY;
    std::string lo_name, hi_name;
    int n = 0;
    for (const auto& r : results) {
      const Cell& cell = r.cells[ci];
      if (!r.ok || !(r.ms > 0) || !cell.status.empty() || cell.bad || !(cell.ms > 0)) continue;
      const double ratio = cell.ms / r.ms;
      log_sum += std::log(ratio), ++n;
      if (ratio < lo) lo = ratio, lo_name = r.l.name;
      if (ratio > hi) hi = ratio, hi_name = r.l.name;
    }
    if (!n) continue;
    const char* what = c.variant == Variant::ChannelsFirst  ? "convt channels first / convt AUTO (channels last)"
                       : c.variant == Variant::NoActivation ? "convt without the activation / convt AUTO (fused)"
                                                            : "convt + a separate activation pass / convt AUTO (fused)";
    std::printf("%s, %d layers: geomean %.3f, lowest %.3f (%s), highest %.3f (%s)\n", what, n,
                std::exp(log_sum / n), lo, lo_name.c_str(), hi, hi_name.c_str());
  }
}

void print_peers_table(const Options& o, const std::vector<Column>& cols, const std::vector<LayerResult>& results,
                       const Geomeans& g) {
  int name_w = 5;
  for (const auto& r : results) name_w = std::max(name_w, static_cast<int>(r.l.name.size()));
  std::vector<int> w;
  for (const Column& c : cols) w.push_back(std::max<int>(8, static_cast<int>(c.label.size())));
  std::string head;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-*s  %8s  %-11s  %7s", name_w, "layer", "convt ms", "algorithm", "ws MiB");
  head = buf;
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    std::snprintf(buf, sizeof buf, "  %*s", w[ci], cols[ci].label.c_str());
    head += buf;
  }
  std::snprintf(buf, sizeof buf, "  %8s  %-13s  %7s  %9s", "GFLOP/s", "best peer", "speedup", "max diff");
  head += buf;
  std::printf("%s\n%s\n", head.c_str(), std::string(head.size(), '-').c_str());
  for (const auto& r : results) {
    std::snprintf(buf, sizeof buf, "%-*s  %8s  %-11s  %7s", name_w, r.l.name.c_str(),
                  r.ok ? fmt("%.3f", r.ms).c_str() : "error", r.algorithm.c_str(),
                  std::isfinite(r.ws_mib) ? fmt("%.2f", r.ws_mib).c_str() : "-");
    std::string line = buf;
    double maxdiff = NAN;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      std::snprintf(buf, sizeof buf, "  %*s", w[ci], cell_text(r.cells[ci]).c_str());
      line += buf;
      if (std::isfinite(r.cells[ci].diff))
        maxdiff = std::isfinite(maxdiff) ? std::max(maxdiff, r.cells[ci].diff) : r.cells[ci].diff;
    }
    std::snprintf(buf, sizeof buf, "  %8s  %-13s  %7s  %9s", std::isfinite(r.gflops) ? fmt("%.1f", r.gflops).c_str() : "-",
                  r.best.empty() ? "-" : r.best.c_str(),
                  std::isfinite(r.speedup) ? (fmt("%.2f", r.speedup) + "x").c_str() : "-",
                  std::isfinite(maxdiff) ? fmt("%.1e", maxdiff).c_str() : "-");
    line += buf;
    std::printf("%s\n", line.c_str());
  }
  std::printf("\nms: median per call; ws MiB: convt AUTO's workspace (convt_workspace_size); n/a: that forced "
              "algorithm cannot run the layer; -: engine not available (or without a path for the layer's rank); "
              "err: it failed (see --verbose); !: output differs from convt's reference (not counted)\n"
              "speedup = best peer ms / convt AUTO ms (peers: the columns from oneDNN to OpenVINO; "
              "XNNPACK's time is NHWC in and out)\n"
              "Python peers (PyTorch, ONNX Runtime, OpenVINO) run in their own process, which also times "
              "convt AUTO interleaved with them:\n"
              "their ms here = their own ms x convt's ms here / convt's ms there (the ratio to convt as "
              "measured side by side)\n");
  std::printf("geomean speed-up of convt over the best peer, %d layers: %s\n", g.rated,
              g.rated ? (fmt("%.3f", g.speedup) + "x").c_str() : "-");
  print_variant_ratios(cols, results);
  std::string each;
  for (size_t ci = 0; ci < cols.size(); ++ci)
    if (g.per[ci].n)
      each += "  " + cols[ci].label + " " + fmt("%.2f", std::exp(g.per[ci].log_sum / g.per[ci].n)) + "x (" +
              std::to_string(g.per[ci].n) + ")";
  if (!each.empty()) std::printf("geomean of engine ms / convt AUTO ms (layers):%s\n", each.c_str());
  bool any_note = false;
  for (const auto& r : results)
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Cell& c = r.cells[ci];
      if (c.note.empty() || c.status == "-" || (c.status == "n/a" && !o.verbose)) continue;
      if (!o.verbose && c.status.empty()) continue;
      if (!any_note) std::printf("\nnotes:\n"), any_note = true;
      std::printf("  %s %s: %s\n", r.l.name.c_str(), cols[ci].label.c_str(), c.note.c_str());
    }
}

// {"spatial_dims": S, "N", "Cin", "Cout", the input sizes by name ("L"; "H", "W"; "D", "H",
// "W"), "kernel", "stride", "padding", "output_padding", "dilation" (S entries), "groups"}.
std::string params_json(const Layer& l) {
  static const char* const in1[] = {"L"}, *const in2[] = {"H", "W"}, *const in3[] = {"D", "H", "W"};
  const char* const* in = l.rank == 1 ? in1 : l.rank == 2 ? in2 : in3;
  std::string j = "{\"spatial_dims\": " + std::to_string(l.rank) + ", \"N\": " + std::to_string(l.n) +
                  ", \"Cin\": " + std::to_string(l.cin) + ", \"Cout\": " + std::to_string(l.cout);
  for (int i = 0; i < l.rank; ++i) j += std::string(", \"") + in[i] + "\": " + std::to_string(l.in[i]);
  const std::pair<const char*, const int64_t*> arrays[] = {
      {"kernel", l.k}, {"stride", l.s}, {"padding", l.p}, {"output_padding", l.op}, {"dilation", l.d}};
  for (const auto& [key, v] : arrays) {
    j += std::string(", \"") + key + "\": [";
    for (int i = 0; i < l.rank; ++i) j += (i ? ", " : "") + std::to_string(v[i]);
    j += "]";
  }
  return j + ", \"groups\": " + std::to_string(l.groups) + "}";
}

std::string peers_json(const Options& o, int threads, unsigned hw, const std::vector<Column>& cols,
                       const std::vector<LayerResult>& results, const Geomeans& g) {
  std::string j = "{\n  \"convt_version\": " + json_string(convt_version_string()) +
                  ",\n  \"cpu_model\": " + json_string(cpu_model()) +
                  ",\n  \"convt_isa\": " + json_string(convt_cpu_isa()) +
                  ",\n  \"threads\": " + std::to_string(threads) + ",\n  \"hardware_threads\": " +
                  std::to_string(hw) + ",\n  \"runs\": " + std::to_string(o.runs) + ",\n  \"warmup\": " +
                  std::to_string(o.warmup) + ",\n  \"openblas_coretype_env\": " +
                  json_string(env_or("OPENBLAS_CORETYPE", "")) + ",\n  \"openblas_l2_size_env\": " +
                  json_string(env_or("OPENBLAS_L2_SIZE", ""));
#ifdef CONVT_BENCH_HAVE_OPENBLAS
  j += ",\n  \"openblas_core\": " + json_string(openblas_get_corename());
#endif
  j += ",\n  \"engines\": [\n";
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    const Column& c = cols[ci];
    const char* kind = c.kind == Kind::ConvtForced    ? "convt"
                       : c.kind == Kind::ConvtVariant ? "convt_variant"
                       : c.kind == Kind::Peer         ? "peer"
                                                      : "floor";
    j += "    {\"id\": " + json_string(c.id) + ", \"label\": " + json_string(c.label) + ", \"kind\": \"" + kind +
         "\", \"available\": " + (c.missing.empty() ? "true" : "false") + ", \"description\": " +
         json_string(c.missing.empty() ? c.json_description : c.missing) + "}" + (ci + 1 < cols.size() ? ",\n" : "\n");
  }
  j += "  ],\n  \"layers\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const Layer& l = r.l;
    j += "    {\"name\": " + json_string(l.name) + ", \"params\": " + params_json(l) + ", \"output_shape\": " +
         json_string(r.shape) + ", \"flops\": " + json_number(flops_of(l)) + ",\n     \"convt\": {\"ms\": " +
         json_number(r.ms) + ", \"ms_min\": " + json_number(r.ms_min) + ", \"ms_max\": " + json_number(r.ms_max) + ", \"algorithm\": " +
         json_string(r.algorithm) + ", \"gflops\": " + json_number(r.gflops) + ", \"workspace_mib\": " +
         json_number(r.ws_mib) +
         (r.error.empty() ? std::string() : ", \"error\": " + json_string(r.error)) + "},\n     \"engines\": {";
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Cell& c = r.cells[ci];
      j += std::string(ci ? ", " : "") + json_string(cols[ci].id) + ": {\"ms\": " +
           json_number(c.status.empty() ? c.ms : NAN) + ", \"ms_min\": " + json_number(c.ms_min) +
           ", \"ms_max\": " + json_number(c.ms_max) + ", \"gflops\": " +
           json_number(c.status.empty() && c.ms > 0 ? flops_of(l) / (c.ms * 1e6) : NAN) + ", \"status\": " +
           json_string(c.status.empty() ? (c.bad ? "mismatch" : "ok") : c.status == "-" ? "missing" : c.status) +
           ", \"max_abs_diff\": " + json_number(c.diff) +
           (cols[ci].python >= 0 ? ", \"own_ms\": " + json_number(c.own_ms) + ", \"own_convt_ms\": " +
                                       json_number(c.own_convt_ms)
                                 : std::string()) +
           (c.note.empty() ? std::string() : ", \"note\": " + json_string(c.note)) + "}";
    }
    j += "},\n     \"best_peer\": " + (r.best_id.empty() ? std::string("null") : json_string(r.best_id)) +
         ", \"best_peer_ms\": " + json_number(r.best_ms) + ", \"speedup\": " + json_number(r.speedup) + "}" +
         (i + 1 < results.size() ? ",\n" : "\n");
  }
  j += "  ],\n  \"geomean_speedup\": " + json_number(g.speedup) + ",\n  \"geomean_speedup_layers\": " +
       std::to_string(g.rated) + "\n}\n";
  return j;
}

}  // namespace

void report_peers(const Options& o, int threads, unsigned hw, const std::vector<Column>& cols,
                  const std::vector<LayerResult>& results) {
  const Geomeans g = geomeans_of(cols, results);
  if (o.csv) print_peers_csv(threads, cols, results, g);
  else print_peers_table(o, cols, results, g);
  if (!o.json.empty()) write_file(o.json, peers_json(o, threads, hw, cols, results, g));
}

}  // namespace convt_bench
