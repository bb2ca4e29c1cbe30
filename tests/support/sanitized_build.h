#pragma once

namespace preflight::testing {

// True in the ASan + UBSan build (PREFLIGHT_SANITIZE), which runs several times slower.
#ifdef PREFLIGHT_SANITIZED
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
// False there: shadow memory, redzones and the free quarantine inflate resident memory, so peak-RSS bounds
// would measure the sanitizer, not us. Tests guard only those assertions with it; the rest still runs.
inline constexpr bool kMemoryFiguresMeaningful = !kSanitizedBuild;

}  // namespace preflight::testing
