#pragma once
// Internal to the host probe and its tests: what the host says about itself in /proc and sysfs.
// The parsers take the files' text, so tests can feed them samples.
#include <cstddef>
#include <string>
#include <string_view>

namespace qtb::probe_detail {

// "model name" of the first processor in /proc/cpuinfo text, trimmed; "unknown" if absent.
std::string parse_cpu_model(std::string_view cpuinfo);
// MemTotal of /proc/meminfo text in bytes; 0 if absent.
double parse_mem_total(std::string_view meminfo);
// Number of CPUs in a sysfs cpu list such as "0-7,64-71"; 0 if malformed.
int parse_cpu_list_count(std::string_view list);
// A sysfs cache size such as "32768K" or "1M" in bytes; 0 if malformed.
std::size_t parse_cache_size(std::string_view text);

// This machine's figures, read from the files above.
std::string host_cpu_model();
double host_memory_capacity();  // bytes; 0 if unknown
// Bytes of last-level cache on the machine: the size of cpu0's highest-level data cache times the
// number of such caches (`cpus` online CPUs / CPUs sharing one). 0 when sysfs does not say.
std::size_t last_level_cache_bytes(int cpus);

}  // namespace qtb::probe_detail
