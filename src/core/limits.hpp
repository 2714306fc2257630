#pragma once
// The limits every reader and option shares, in one place: a value past one of them is refused with
// an InputError that names the option (or file field), the value and the allowed range in words,
// before anything is allocated, started or stored.
#include <cstdint>
#include <string>
#include <string_view>

namespace qtb {

// Nesting depth of any JSON document we read (graph JSON, metadata, imports, configs): ours are a
// few levels deep; a hostile file 100,000 levels deep must not reach a recursive walker.
inline constexpr int kMaxJsonDepth = 64;
// Bytes of one file read whole into memory (imports, graph JSON, catalogs, configs).
inline constexpr std::uint64_t kMaxReadFileBytes = std::uint64_t{1} << 30;
// Inputs in one batch and concurrent streams of one deployment point; the memory a point needs is
// checked as well (check_memory), these only keep the arithmetic far from overflow.
inline constexpr std::int64_t kMaxBatch = std::int64_t{1} << 20;
inline constexpr std::int64_t kMaxStreams = 1024;

// Threads one command may use: this machine's hardware threads (at least 1). More threads than
// the hardware has measure the scheduler, not the backend, and thousands of OpenMP threads hang.
int max_threads();
// Throws InputError "<what> = <value> is out of range: threads must be 1 to N (this machine's
// hardware threads)" unless 1 <= value <= max_threads(). `what` is the option or field name.
void check_threads(std::string_view what, std::int64_t value);
// Throws InputError unless min <= value <= max: "<what> = <value> is out of range: must be <min>
// to <max>" (with `unit` after the numbers, e.g. "inputs").
void check_range(std::string_view what, std::int64_t value, std::int64_t min, std::int64_t max,
                 std::string_view unit = "");
// Throws InputError unless `value` is finite and min <= value <= max: "<what> = nan is out of
// range: must be a number from <min> to <max>" (with `unit` after the numbers, e.g. "seconds").
void check_number(std::string_view what, double value, double min, double max,
                  std::string_view unit = "");
// The allowed ranges in the words of the checks above ("must be 1 to 1048576 inputs", "must be a
// number from 0 to 86400 seconds"), for messages about values that are not numbers at all.
std::string range_words(std::int64_t min, std::int64_t max, std::string_view unit = "");
std::string number_range_words(double min, double max, std::string_view unit = "");

// An option's or field's allowed values, for the checks above: the command line and the files
// that take the same setting share one range.
struct CountRange {
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::string_view unit;
};
struct NumberRange {
  double min = 0;
  double max = 0;
  std::string_view unit;
};

// Memory this machine can still give (MemAvailable of /proc/meminfo; 0 when unknown).
std::uint64_t available_memory_bytes();
// Throws InputError "<what> needs 12.3 GB of memory, more than the 8.1 GB available" when `bytes`
// exceeds what is available (unknown availability passes).
void check_memory(std::string_view what, std::uint64_t bytes);
// "12.3 GB", "512 MB", "4 kB": bytes in words for messages.
std::string format_bytes(std::uint64_t bytes);

}  // namespace qtb
