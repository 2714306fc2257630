#include "store/portal_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/precision.hpp"
#include "core/text.hpp"
#include "store/import_errors.hpp"

namespace qtb {
namespace {

constexpr const char* kPaper =
    "Blott et al., Evaluation of Optimized CNNs on Heterogeneous Accelerators using a Novel "
    "Benchmarking Approach (QuTiBench web portal, experimental_data.csv)";

struct PortalTopology {
  const char* portal;
  const char* topology;
  const char* dataset;
};

// The portal's NN_Topology names -> our zoo's names; the data set follows from the topology
// (the paper trains MLP on MNIST, CNV on CIFAR-10, the rest are ImageNet networks).
constexpr PortalTopology kTopologies[] = {
    {"MLP", "mlp", "mnist"},
    {"CNV", "cnv", "cifar10"},
    {"ResNet-50", "resnet50", "imagenet"},
    {"ResNet-50v15", "resnet50_v1.5", "imagenet"},
    {"GoogLeNetv1", "googlenet", "imagenet"},
    {"MobileNetv1", "mobilenet_v1", "imagenet"},
    {"EfficientNet-S", "efficientnet_s", "imagenet"},
    {"EfficientNet-M", "efficientnet_m", "imagenet"},
    {"EfficientNet-L", "efficientnet_l", "imagenet"},
};

// The columns read; the others (tp-*, hw_*, norm-lat-comp, tag, ...) are derived from these or
// from the catalog and are not stored. Header names are compared trimmed: the portal writes
// " level" with a leading space.
enum Col {
  kTopology,
  kHwType,
  kDatatype,
  kOpMode,
  kCount,
  kLatSys,
  kLatComp,
  kFpsSys,
  kFpsComp,
  kTop1,
  kTop5,
  kBasePower,
  kIdlePower,
  kFullPower,
  kGops,
  kPruning,
  kLevel,
  kColumns
};
constexpr const char* kNames[kColumns] = {
    "NN_Topology",   "HWType",     "Datatype",   "Op mode",    "batch/thread/stream",
    "lat-sys",       "lat-comp",   "fps-system", "fps-comp",   "top1",
    "top5 [%]",      "Base_Pwr_W", "Idle_Pwr_W", "Full_Pwr_W", "GOPS",
    "PruningFactor", "level"};

// The portal writes a few large latencies with thousands separators ("1,234.82", quoted). Only
// proper groups of three digits are taken as such; "1,2" stays malformed.
std::string without_thousands_separators(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return text;
  const auto point = text.find('.');
  const std::string integer = text.substr(0, point);
  const std::size_t first_group = integer.find(',');
  if (first_group == 0 || first_group > 3 || (integer[0] == '-' && first_group > 4)) return text;
  for (std::size_t i = first_group; i < integer.size(); i += 4) {
    if (integer[i] != ',' || i + 4 > integer.size()) return text;
    for (std::size_t d = i + 1; d < i + 4; ++d)
      if (integer[d] < '0' || integer[d] > '9') return text;
  }
  std::string out;
  for (char c : text)
    if (c != ',') out += c;
  return out;
}

// One row's cells by column, with the line for error messages.
class Cells {
 public:
  Cells(const CsvRecord& record, const std::array<std::size_t, kColumns>& index)
      : record_(record), index_(index) {}

  std::string text(Col c) const { return std::string(trim(record_.fields[index_[c]])); }

  std::string required(Col c) const {
    std::string value = text(c);
    if (value.empty()) throw InputError(fmt::format("column '{}' is empty", kNames[c]));
    return value;
  }

  // Empty -> nullopt; otherwise a finite, non-negative number.
  std::optional<double> number(Col c) const {
    const std::string value = text(c);
    if (value.empty()) return std::nullopt;
    const auto parsed = parse_double(without_thousands_separators(value));
    if (!parsed) {
      throw InputError(
          fmt::format("column '{}': {} is not a number", kNames[c], quote_value(value)));
    }
    if (*parsed < 0) {
      throw InputError(fmt::format("column '{}': {} is negative", kNames[c], quote_value(value)));
    }
    return parsed;
  }

 private:
  const CsvRecord& record_;
  const std::array<std::size_t, kColumns>& index_;
};

const PortalPlatform& find_platform(const std::string& hw_type) {
  for (const PortalPlatform& p : portal_platforms())
    if (p.hw_type == hw_type) return p;
  throw InputError(fmt::format("unknown platform (HWType) {}", quote_value(hw_type)));
}

const PortalTopology& find_topology(const std::string& name) {
  for (const PortalTopology& t : kTopologies)
    if (name == t.portal) return t;
  throw InputError(fmt::format("unknown topology (NN_Topology) {}", quote_value(name)));
}

ResultRow parse_row(const Cells& cells) {
  ResultRow row;
  const PortalTopology& topology = find_topology(cells.required(kTopology));
  row.topology = topology.topology;
  row.dataset = topology.dataset;

  const PortalPlatform& platform = find_platform(cells.required(kHwType));
  row.platform = platform.platform;
  row.op_mode = platform.op_mode;
  // The Op mode column repeats the HWType suffix (or is empty); a disagreement is a broken row.
  const std::string op_mode = to_lower(cells.text(kOpMode));
  if (!op_mode.empty() && op_mode != platform.op_mode) {
    throw InputError(fmt::format("column 'Op mode': {} contradicts HWType '{}'",
                                 quote_value(op_mode), platform.hw_type));
  }

  const std::string datatype = cells.required(kDatatype);
  try {
    row.precision = parse_precision(datatype).name();
  } catch (const InputError&) {
    throw InputError(fmt::format("column 'Datatype': {} is not a precision (FP32, INT8, ...)",
                                 quote_value(datatype)));
  }

  const std::string count_text = cells.required(kCount);
  const auto count = parse_int64(count_text);
  if (!count || *count < 1) {
    throw InputError(fmt::format("column 'batch/thread/stream': {} is not a positive integer",
                                 quote_value(count_text)));
  }
  row.batch = row.threads = row.streams = 1;
  switch (platform.sweep) {
    case SweepParameter::Batch:
      row.batch = *count;
      break;
    case SweepParameter::Threads:
      row.threads = *count;
      break;
    case SweepParameter::Streams:
      row.streams = *count;
      break;
  }

  const auto pruning = cells.number(kPruning);
  if (!pruning || *pruning <= 0 || *pruning > 100) {
    throw InputError(fmt::format("column 'PruningFactor': {} is not a percentage in (0, 100]",
                                 quote_value(cells.text(kPruning))));
  }
  row.prune = *pruning / 100.0;

  const std::string level_text = cells.required(kLevel);
  const std::string level = to_upper(level_text);
  if (level != "L0" && level != "L1" && level != "L2" && level != "L3") {
    throw InputError(
        fmt::format("column 'level': {} is not l0, l1, l2 or l3", quote_value(level_text)));
  }
  row.level = level;

  // The paper gives one latency per query (a batch, in ms) without saying which statistic; it is
  // stored as the mean, the other statistics stay empty.
  row.latency_system_ms.mean = cells.number(kLatSys);
  row.latency_compute_ms.mean = cells.number(kLatComp);
  row.fps_system = cells.number(kFpsSys);
  row.fps_compute = cells.number(kFpsComp);

  row.top1 = cells.number(kTop1);
  row.top5 = cells.number(kTop5);
  if (row.top1 || row.top5) {
    row.accuracy_source = "reported";
    row.accuracy_reference = kPaper;
  }

  row.power_base_w = cells.number(kBasePower);
  row.power_idle_w = cells.number(kIdlePower);
  row.power_full_w = cells.number(kFullPower);
  if (row.power_base_w || row.power_idle_w || row.power_full_w) row.power_source = "reported";

  // GOPS holds the ops of one query (all `count` inputs); 0 means the portal has no figure.
  const auto gops = cells.number(kGops);
  if (gops && *gops > 0) row.gops_per_input = *gops / static_cast<double>(*count);

  row.source = "paper";
  row.contributor = "QuTiBench web portal (Xilinx)";
  return row;
}

}  // namespace

const std::vector<PortalPlatform>& portal_platforms() {
  using S = SweepParameter;
  // Sweep parameters per the paper, Sec. 4.1.4 and Fig. 6: layer-by-layer engines (GPU, TPU, NCS,
  // BISMO, A53) sweep the batch size, the DPUs the thread count, FINN's dataflow pipeline the
  // stream size.
  static const std::vector<PortalPlatform> table = {
      {"TX2-maxn", "TX2", "maxn", S::Batch},
      {"TX2-maxp", "TX2", "maxp", S::Batch},
      {"TX2-maxq", "TX2", "maxq", S::Batch},
      {"NCS2", "NCS2", "default", S::Batch},
      {"EdgeTPU-fast", "EdgeTPU", "fast", S::Batch},
      {"EdgeTPU-slow", "EdgeTPU", "slow", S::Batch},
      {"U96-Quadcore-A53", "U96-A53", "default", S::Batch},
      {"ZCU104-Bismo", "ZCU104-BISMO", "default", S::Batch},
      {"ZCU104-FINN", "ZCU104-FINN", "default", S::Streams},
      {"Ultra96-DPU", "Ultra96-DPU", "default", S::Threads},
      {"ZCU102-DPU", "ZCU102-DPU", "default", S::Threads},
      {"ZCU104-DPU", "ZCU104-DPU", "default", S::Threads},
  };
  return table;
}

std::vector<std::string> portal_topology_names() {
  std::vector<std::string> names;
  for (const PortalTopology& t : kTopologies) names.emplace_back(t.topology);
  return names;
}

bool is_portal_header(const std::vector<std::string>& header) {
  return std::any_of(header.begin(), header.end(),
                     [](const std::string& name) { return trim(name) == "HWType"; });
}

std::vector<ResultRow> read_portal_csv(const std::vector<CsvRecord>& records,
                                       const std::string& file_name) {
  ImportErrors errors(file_name);
  if (records.empty()) errors.refuse("the file is empty");
  const CsvRecord& header = records.front();
  // A repeated name would leave it to chance which of the two columns is read.
  std::set<std::string_view> seen;
  for (const std::string& field : header.fields) {
    const std::string_view name = trim(field);
    if (!seen.insert(name).second)
      errors.add(header.line, fmt::format("column {} appears twice", quote_value(name)));
  }
  std::array<std::size_t, kColumns> index{};
  for (int c = 0; c < kColumns; ++c) {
    const auto found =
        std::find_if(header.fields.begin(), header.fields.end(),
                     [&](const std::string& name) { return trim(name) == kNames[c]; });
    if (found == header.fields.end()) {
      errors.add(header.line, fmt::format("missing column '{}'", kNames[c]));
    } else {
      index[static_cast<std::size_t>(c)] = static_cast<std::size_t>(found - header.fields.begin());
    }
  }
  errors.throw_if_any(0);

  std::vector<ResultRow> rows;
  rows.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (record.fields.size() != header.fields.size()) {
      errors.add(record.line, fmt::format("{} fields, the header has {}", record.fields.size(),
                                          header.fields.size()));
      continue;
    }
    try {
      rows.push_back(parse_row(Cells(record, index)));
    } catch (const InputError& e) {
      errors.add(record.line, e.what());
    }
  }
  errors.throw_if_any(records.size() - 1);
  return rows;
}

}  // namespace qtb
