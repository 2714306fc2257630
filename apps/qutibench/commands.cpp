#include "commands.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/precision.hpp"
#include "core/text.hpp"
#include "measure/deployment.hpp"
#include "number_options.hpp"
#include "onnx/onnx_import.hpp"
#include "platform/catalog.hpp"
#include "platform/probe.hpp"
#include "report/analysis_output.hpp"
#include "report/listing_output.hpp"
#include "report/report_html.hpp"
#include "report/report_svg.hpp"
#include "report/roofline_chart.hpp"
#include "report/vega_scripts.hpp"
#include "roofline/design_space.hpp"
#include "zoo/zoo.hpp"

namespace qtb::app {
namespace {

// The options that select a slice of the design space, shared by analyze and roofline.
struct DesignSpaceOptions : DesignSpace {
  std::string catalog;
};

void add_catalog_option(CLI::App* command, std::string& catalog) {
  command->add_option("--catalog", catalog,
                      "platform catalog directory (default: $QUTIBENCH_CATALOG or data/platforms)");
}

void add_design_space_options(CLI::App* command, DesignSpaceOptions& o) {
  command->add_option("--model", o.models, "topologies, comma-separated, or all")
      ->capture_default_str();
  command
      ->add_option("--prune", o.prunes,
                   "pruning scales in (0,1] (0.5 or 50%), or all = 1,0.5,0.25,0.125")
      ->capture_default_str();
  command
      ->add_option("--precision", o.precisions,
                   "FP32, FP16, BF16, INT8, WxAy (INT4=W4A4, INT2=W2A2), or all")
      ->capture_default_str();
  command->add_option("--platform", o.platforms, "catalog platforms, comma-separated, or all")
      ->capture_default_str();
  command->add_option("--op-mode", o.op_modes, "op modes (maxn, fast, default, ...), or all")
      ->capture_default_str();
  command
      ->add_option("--storage", o.storage,
                   "weights-offchip (paper: weights read per input, activations on chip) or "
                   "all-offchip (activations through DRAM too)")
      ->capture_default_str();
  add_count_option(command, "--batch", o.batch, kBatchRange,
                   "inputs per weight read (amortises weights)");
  add_catalog_option(command, o.catalog);
}

// As `report` does: the output's folders are made, so -o charts/roofline.svg just works.
void create_parent_directories(const std::filesystem::path& file) {
  const std::filesystem::path parent = file.parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    throw InputError(fmt::format("cannot create directory {}: {}", quote_value(parent.string(), 80),
                                 ec.message()));
  }
}

std::vector<Platform> load(const std::string& catalog) {
  return load_catalog(catalog.empty() ? default_catalog_dir() : std::filesystem::path(catalog));
}

void register_models(CLI::App& app) {
  auto format = std::make_shared<std::string>("table");
  auto* command = app.add_subcommand("models", "list the topologies of the zoo");
  command->add_option("--format", *format, "table, csv or json")->capture_default_str();
  command->callback([format] { fmt::print("{}", render_models(parse_output_format(*format))); });
}

void register_platforms(CLI::App& app) {
  struct Options {
    std::string format = "table";
    std::string catalog;
    bool probe = false;
    double probe_seconds = 0.5;
    int threads = 0;
  };
  auto o = std::make_shared<Options>();
  auto* command =
      app.add_subcommand("platforms", "list the platform catalog; --probe measures this machine");
  command->add_option("--format", o->format, "table, csv or json")->capture_default_str();
  add_catalog_option(command, o->catalog);
  command->add_flag("--probe", o->probe,
                    "measure this machine's FP32 FMA peak, INT8 dot-product peak and memory "
                    "bandwidth, and store them as catalog entry 'host' (host.toml)");
  add_number_option(command, "--probe-seconds", o->probe_seconds, {0.01, 60, "seconds"},
                    "time per probe measurement");
  add_threads_option(command, "--threads", o->threads, true,
                     "threads for the probe (0 = all hardware threads)");
  command->callback([o] {
    const OutputFormat format = parse_output_format(o->format);
    const std::filesystem::path dir =
        o->catalog.empty() ? default_catalog_dir() : std::filesystem::path(o->catalog);
    if (o->probe) {
      ProbeOptions options;
      options.threads = o->threads;
      options.seconds_per_measurement = o->probe_seconds;
      options.progress = [](const std::string& line) { fmt::print(stderr, "probe: {}\n", line); };
      const HostProbe probe = probe_host(options);
      const std::filesystem::path file = dir / "host.toml";
      write_platform_file(host_platform(probe), file);
      fmt::print(stderr,
                 "probe: FP32 {:.1f} GFLOP/s ({}), INT8 {:.1f} GOP/s ({}), memory read {:.1f} GB/s "
                 "(triad {:.1f} GB/s), {} threads -> {}\n",
                 probe.fp32_fma_ops / 1e9, probe.fp32_method, probe.int8_dot_ops / 1e9,
                 probe.int8_method, probe.memory_read_bandwidth / 1e9,
                 probe.memory_triad_bandwidth / 1e9, probe.threads, file.string());
    }
    fmt::print("{}", render_platforms(load_catalog(dir), format));
  });
}

void register_analyze(CLI::App& app) {
  auto o = std::make_shared<DesignSpaceOptions>();
  auto format = std::make_shared<std::string>("table");
  auto layers = std::make_shared<bool>(false);
  auto* command = app.add_subcommand(
      "analyze", "L0: cost of every variant and its roofline prediction on every platform");
  add_design_space_options(command, *o);
  command->add_option("--format", *format, "table, csv or json")->capture_default_str();
  command->add_flag("--layers", *layers, "also report the cost of every layer");
  auto model_files = std::make_shared<std::vector<std::string>>();
  command->add_option("--model-file", *model_files,
                      "model files (.onnx or qutibench's) to analyze, instead of the zoo unless "
                      "--model is given");
  command->callback([o, format, layers, model_files, command] {
    const OutputFormat output = parse_output_format(*format);
    const auto catalog = load(o->catalog);
    AnalysisRequest request = make_analysis_request(*o, catalog);
    if (!model_files->empty() && command->count("--model") == 0) request.models.clear();
    for (const std::string& file : *model_files) {
      request.model_graphs.push_back(load_model_graph(file));
    }
    fmt::print("{}", render_analysis(analyze(request), request.storage, output, *layers));
  });
}

void register_roofline(CLI::App& app) {
  auto o = std::make_shared<DesignSpaceOptions>();
  o->prunes = "1";
  auto output = std::make_shared<std::string>();
  auto vega_dir = std::make_shared<std::string>();
  auto labels = std::make_shared<bool>(false);
  auto* command =
      app.add_subcommand("roofline",
                         "draw a log-log roofline chart (one roof per platform and data type, the "
                         "variants as points) as SVG or a standalone HTML page");
  add_design_space_options(command, *o);
  command->add_option("-o,--output", *output, "FILE.svg or FILE.html")->required();
  command->add_flag("--labels", *labels, "print each point's label next to it");
  command->add_option("--vega-dir", *vega_dir,
                      "vendored vega JS (default: $QUTIBENCH_VEGA_DIR or data/cache/vega-js, "
                      "filled by scripts/setup.sh)");
  command->callback([o, output, vega_dir, labels] {
    const bool html = output->ends_with(".html");
    if (!html && !output->ends_with(".svg")) {
      throw InputError("roofline output " + quote_value(*output, 80) +
                       " must end in .svg or .html");
    }
    const auto catalog = load(o->catalog);
    const AnalysisRequest request = make_analysis_request(*o, catalog);
    const L0RooflineChart roofline =
        l0_roofline_chart(analyze(request), request.platforms, request.storage, *labels);
    // An empty chart is not a result: say which selection drew nothing, and write no file.
    if (roofline.points == 0) {
      throw InputError(fmt::format(
          "nothing to draw: no supported prediction for --model {} --prune {} --precision {} on "
          "--platform {} --op-mode {} (qutibench analyze says why)",
          quote_value(o->models, 16), quote_value(o->prunes, 16), quote_value(o->precisions, 16),
          quote_value(o->platforms, 16), quote_value(o->op_modes, 16)));
    }
    const std::filesystem::path vega =
        vega_dir->empty() ? default_vega_dir() : std::filesystem::path(*vega_dir);
    const VegaScripts scripts = load_vega_scripts(vega);  // before any folder is made
    create_parent_directories(*output);
    if (html) {
      write_file_atomically(*output,
                            render_charts_html("qutibench roofline", {&roofline.chart, 1}, scripts,
                                               read_report_asset("report-page.js")));
    } else {
      write_chart_svg(roofline.chart, *output, vega, "roofline -o FILE.svg");
    }
    fmt::print(stderr, "wrote {} ({} roofs, {} points; storage model: {})\n", *output,
               roofline.roofs, roofline.points, request.storage.description());
  });
}

}  // namespace

void register_commands(CLI::App& app) {
  register_models(app);
  register_platforms(app);
  register_analyze(app);
  register_roofline(app);
  register_run(app);
  register_layers(app);
  register_store_commands(app);
  register_sweep(app);
  register_analyze_results(app);
  register_datasets(app);
  register_optimize(app);
  register_report(app);
  register_serve(app);
  register_infer(app);
}

}  // namespace qtb::app
