#pragma once
// The process's peak resident memory (VmHWM), per measured point: the peak is reset before a
// point where the kernel allows it (/proc/self/clear_refs, Linux >= 4.0), so a sweep's later
// points do not inherit an earlier, larger model's peak.
#include <cstdint>
#include <optional>
#include <string_view>

namespace qtb {

// True when the reset took effect; false leaves the peak as the process's lifetime peak.
bool reset_peak_memory();
// Bytes, or empty where /proc is unavailable.
std::optional<std::int64_t> peak_memory_bytes();
// VmHWM of /proc/self/status text, in bytes.
std::optional<std::int64_t> parse_vm_hwm(std::string_view status);

}  // namespace qtb
