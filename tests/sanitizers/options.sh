# Sanitizer run-time options for the hardened build (PREFLIGHT_SANITIZE): source this file before running
# its tests or fuzz harnesses. Every report stops the process with a stack trace. lsan.supp lists the system
# libraries' own leaks, each with the reason. UBSan needs no suppressions: only our code is instrumented.
sanitizers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=${sanitizers_dir}/lsan.supp:print_suppressions=0"
unset sanitizers_dir
