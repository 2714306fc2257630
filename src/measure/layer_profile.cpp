#include "measure/layer_profile.hpp"

#include <fmt/format.h>

#include "core/table.hpp"
#include "graph/layer_nodes.hpp"

namespace qtb {

StepProfile summarize_profile(const StepProfiler& profiler, const Graph& graph) {
  StepProfile out;
  out.whole_run = profiler.whole_run();
  out.runs = profiler.runs();
  out.run_ms = profiler.run_seconds() * 1e3;
  std::vector<std::string> heads;
  for (const ModelStep& step : profiler.steps()) heads.push_back(step.node);
  const auto nodes = layer_nodes(graph, heads);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    ProfileStep s;
    s.name = out.whole_run ? "(whole network)" : joined_node_names(graph, nodes[i]);
    if (s.name.empty()) s.name = heads[i];
    s.layer_type = joined_node_kinds(graph, nodes[i]);
    s.kind = profiler.steps()[i].kind;
    s.calls = profiler.calls()[i];
    s.total_ms = profiler.seconds()[i] * 1e3;
    s.mean_ms = s.calls > 0 ? s.total_ms / static_cast<double>(s.calls) : 0;
    s.percent = out.run_ms > 0 ? 100 * s.total_ms / out.run_ms : 0;
    out.steps_ms += s.total_ms;
    out.steps.push_back(std::move(s));
  }
  return out;
}

namespace {

Table steps_table(const StepProfile& profile) {
  Table table({"step", "name", "layer_type", "kind", "calls", "total_ms", "mean_ms", "percent"});
  for (std::size_t i = 0; i < profile.steps.size(); ++i) {
    const ProfileStep& s = profile.steps[i];
    table.add_row({std::to_string(i), s.name, s.layer_type, s.kind, std::to_string(s.calls),
                   fmt::format("{:.3f}", s.total_ms), fmt::format("{:.4f}", s.mean_ms),
                   fmt::format("{:.1f}", s.percent)});
  }
  return table;
}

}  // namespace

std::string profile_table(const StepProfile& profile) {
  std::string out = steps_table(profile).to_text();
  const double per_run = profile.runs > 0 ? profile.run_ms / static_cast<double>(profile.runs) : 0;
  out += fmt::format(
      "sum of steps {:.3f} ms of {:.3f} ms in {} runs ({:.1f} %); {:.4f} ms per run{}\n",
      profile.steps_ms, profile.run_ms, profile.runs,
      profile.run_ms > 0 ? 100 * profile.steps_ms / profile.run_ms : 0, per_run,
      profile.whole_run ? " (the backend does not split its run: one step)" : "");
  return out;
}

std::string profile_csv(const StepProfile& profile) {
  return steps_table(profile).to_csv();
}

nlohmann::json profile_json(const StepProfile& profile) {
  nlohmann::json steps = nlohmann::json::array();
  for (const ProfileStep& s : profile.steps) {
    steps.push_back({{"name", s.name},
                     {"layer_type", s.layer_type},
                     {"kind", s.kind},
                     {"calls", s.calls},
                     {"total_ms", s.total_ms},
                     {"mean_ms", s.mean_ms},
                     {"percent", s.percent}});
  }
  return {{"steps", steps},
          {"whole_run", profile.whole_run},
          {"runs", profile.runs},
          {"run_ms", profile.run_ms},
          {"steps_ms", profile.steps_ms}};
}

}  // namespace qtb
