#include "python_peers.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace convt_bench {
namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string last_lines(const std::string& path, size_t n) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) out += "  " + lines[i] + "\n";
  return out;
}

}  // namespace

PythonPeerResult run_python_peer(const PythonPeer& peer, const std::string& suite, size_t layers,
                                 int threads, long runs, long min_ms, long warmup, const std::string& data_dir,
                                 const std::string& convt_library, const std::vector<std::string>& extra_args) {
  PythonPeerResult r;
  r.ms.assign(layers, NAN);
  r.convt_ms.assign(layers, NAN);
  r.layer_error.assign(layers, "");
  r.layer_unsupported.assign(layers, false);
  if (peer.interpreter.empty() || access(peer.interpreter.c_str(), X_OK) != 0) {
    r.unavailable = "no interpreter " + (peer.interpreter.empty() ? std::string("configured") : peer.interpreter);
    return r;
  }
  if (access(peer.script.c_str(), R_OK) != 0) {
    r.unavailable = "no script " + peer.script;
    return r;
  }
  const std::string log = data_dir + "/" + peer.id + ".log";
  const std::string cmd = shell_quote(peer.interpreter) + " " + shell_quote(peer.script) + " --suite " +
                          shell_quote(suite) + " --threads " + std::to_string(threads) + " --runs " +
                          std::to_string(runs) + " --min-ms " + std::to_string(min_ms) + " --warmup " +
                          std::to_string(warmup) + " --data " +
                          shell_quote(data_dir) + " --tag " + shell_quote(peer.id) +
                          (convt_library.empty() ? "" : " --convt " + shell_quote(convt_library));
  std::string cmd_line = cmd;
  for (const std::string& a : extra_args) cmd_line += " " + shell_quote(a);
  cmd_line += " 2>" + shell_quote(log);
  std::fflush(nullptr);
  FILE* pipe = popen(cmd_line.c_str(), "r");
  if (!pipe) {
    r.unavailable = "popen failed";
    return r;
  }
  std::string text;
  char buf[4096];
  for (size_t got; (got = std::fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, got);
  const int status = pclose(pipe);
  std::istringstream lines(text);
  bool engine_seen = false;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string kind;
    f >> kind;
    if (kind == "engine") {
      std::string id;
      f >> id >> r.version;
      std::getline(f >> std::ws, r.description);
      engine_seen = true;
    } else if (kind == "unavailable") {
      std::getline(f >> std::ws, r.unavailable);
    } else if (kind == "layer" || kind == "error" || kind == "unsupported") {
      size_t i = 0;
      std::string name, rest;
      if (!(f >> i >> name) || i >= layers) continue;
      std::getline(f >> std::ws, rest);
      if (kind == "layer") {  // <ms> [<convt's ms>]
        std::istringstream values(rest);
        double v = NAN, c = NAN;
        if (values >> v && v >= 0) r.ms[i] = v;
        if (values >> c && c > 0) r.convt_ms[i] = c;
      } else {
        r.layer_error[i] = rest;
        r.layer_unsupported[i] = kind == "unsupported";
      }
    }
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (r.unavailable.empty() && (code != 0 || !engine_seen)) {
    r.unavailable = "exited with status " + std::to_string(code);
    std::fprintf(stderr, "convt-bench: peer %s (%s %s) failed; end of its stderr:\n%s", peer.id.c_str(),
                 peer.interpreter.c_str(), peer.script.c_str(), last_lines(log, 8).c_str());
  }
  if (!r.unavailable.empty()) r.ms.assign(layers, NAN), r.convt_ms.assign(layers, NAN);
  return r;
}

}  // namespace convt_bench
