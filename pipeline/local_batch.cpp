#include "pipeline/local_batch.h"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include "pipeline/local_input.h"

namespace preflight {
namespace {

// Items in flight per worker: enough to keep every core busy while the serial stages run.
constexpr unsigned kTokensPerThread = 4;

struct Item {
  std::uint64_t seq = 0;
  InputEntry entry;
};

}  // namespace

void run_local_batch(InputWalker& walker, const Checker& checker, const BatchOptions& options,
                     const std::function<void(const Verdict&)>& sink) {
  const unsigned threads =
      options.threads ? options.threads : static_cast<unsigned>(tbb::info::default_concurrency());
  tbb::task_arena arena(static_cast<int>(threads));
  std::uint64_t next_seq = 0;
  arena.execute([&] {
    tbb::parallel_pipeline(
        threads * kTokensPerThread,
        tbb::make_filter<void, Item>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& control) -> Item {
                                       auto entry = walker.next();
                                       if (!entry) {
                                         control.stop();
                                         return {};
                                       }
                                       return Item{next_seq++, std::move(*entry)};
                                     }) &
            tbb::make_filter<Item, Verdict>(
                tbb::filter_mode::parallel,
                [&](const Item& item) { return check_local_input(item.entry, item.seq, checker); }) &
            tbb::make_filter<Verdict, void>(tbb::filter_mode::serial_in_order,
                                            [&](const Verdict& verdict) { sink(verdict); }));
  });
}

}  // namespace preflight
