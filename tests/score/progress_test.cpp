#include "score/progress.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono_literals;

TEST_CASE("progress: papers, calls, tokens, dollars so far and the time left, a line per tenth") {
    scoring_progress p{313, 783, 19, {140'000, 512, 0}, 0.41, 8s};
    CHECK(progress_text(p) == "scoring: 39% (313 of 783 papers), 19 calls, 140512 tokens, $0.41 so far, about 13 s left");
    p.usd.reset();  // a model without a price: no made-up dollars
    p.done = 783;
    CHECK(progress_text(p) == "scoring: 100% (783 of 783 papers), 19 calls, 140512 tokens");
    p = {10, 1000, 1, {}, 0.0, 60s};
    CHECK(progress_text(p) == "scoring: 1% (10 of 1000 papers), 1 call, 0 tokens, $0.00 so far, about 99 min left");
    CHECK(progress_tenth(0, 783) == 0);
    CHECK(progress_tenth(78, 783) == 0);
    CHECK(progress_tenth(79, 783) == 1);
    CHECK(progress_tenth(783, 783) == 10);
    CHECK(progress_tenth(0, 0) == 10);
}
