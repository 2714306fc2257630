#pragma once
// The accuracy of a variant as the tool reports it: top-1 on the test split, measured by the
// fastest backend that runs the variant's precision, and, for integer precisions (which every
// exact backend must compute bit for bit), the predictions of the other backends that run it
// compared image by image.
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "data/dataset.hpp"
#include "graph/graph.hpp"
#include "graph/model_metadata.hpp"
#include "measure/accuracy.hpp"

namespace qtb {

struct BackendAgreement {
  std::string backend;
  std::int64_t images = 0;     // predictions compared
  std::int64_t different = 0;  // images whose prediction differs from the primary backend's
};

struct VariantAccuracy {
  std::string backend;  // the primary backend, which measured `result`
  AccuracyResult result;
  std::vector<BackendAgreement> agreement;
};

// The reference backend is plain loops (about 0.1 GMAC/s): it compares as many images as fit
// in this many multiply-accumulates, at least kReferenceMinImages (the others: all images).
inline constexpr double kReferenceAgreementMacs = 4e9;
inline constexpr std::int64_t kReferenceMinImages = 200;

// Backends that run `precision` on this graph, fastest first (onednn, lowbit, gemmlowp, sparse,
// reference).
std::vector<std::string> backends_for(const Graph& graph, const Precision& precision, int threads);

// `limit`: the first N test images (0: all). Throws InputError when no backend runs it.
VariantAccuracy measure_variant_accuracy(const Graph& graph, const Precision& precision,
                                         const DataSet& test, int threads, std::int64_t limit,
                                         bool compare_backends);

// Records the accuracy in the metadata (top1, samples, backend).
void record_accuracy(ModelMetadata& metadata, const VariantAccuracy& accuracy);

}  // namespace qtb
