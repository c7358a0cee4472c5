// The pure prefetch policies: reader streams and their windows, and
// readahead inside one large file.
#include <gtest/gtest.h>

#include "engine/read/prefetch_streams.h"
#include "engine/read/sequential_readahead.h"

namespace shoal {
namespace {

TEST(PrefetchStreams, AFileFollowingTheCursorContinuesTheStream) {
  PrefetchStreams streams(4, 64);
  const uint32_t a = streams.OnFirstRead(10, 0).id;
  EXPECT_EQ(streams.OnFirstRead(11, 0).id, a);
  const uint32_t b = streams.OnFirstRead(500, 0).id;  // elsewhere: a new stream
  EXPECT_NE(a, b);
  EXPECT_EQ(streams.OnFirstRead(12, 0).id, a);
  EXPECT_EQ(streams.OnFirstRead(501, 0).id, b);
  EXPECT_EQ(streams.size(), 2u);
}

TEST(PrefetchStreams, AFilePrefetchedByAStreamBelongsToIt) {
  PrefetchStreams streams(4, 64);
  PrefetchStream& s = streams.OnFirstRead(10, 0);
  const uint32_t id = s.id;
  s.frontier = 20;  // it prefetched 11..20
  streams.OnPrefetched(id, 100);
  EXPECT_EQ(streams.OnFirstRead(17, id).id, id);  // a skip within its reach
}

TEST(PrefetchStreams, WindowDoublesOnHitsAndHalvesOnWaste) {
  PrefetchStreams streams(4, 16);
  const uint32_t id = streams.OnFirstRead(1, 0).id;
  for (int i = 0; i < 3; ++i) {
    streams.OnPrefetched(id, 10);
    streams.OnPrefetchRead(id, 10);
  }
  EXPECT_EQ(streams.LargestWindow(), 16u);  // 4 -> 8 -> 16, capped
  streams.OnPrefetched(id, 10);
  streams.OnPrefetchDropped(id, 10, /*wasted=*/true);
  EXPECT_EQ(streams.LargestWindow(), 8u);
  streams.OnPrefetched(id, 10);
  streams.OnPrefetchDropped(id, 10, /*wasted=*/false);  // a failed fetch is not waste
  EXPECT_EQ(streams.LargestWindow(), 8u);
}

TEST(PrefetchStreams, IdleAndForgottenStreamsAreStale) {
  PrefetchStreams streams(4, 64, /*max_streams=*/2);
  const uint32_t a = streams.OnFirstRead(10, 0).id;
  EXPECT_FALSE(streams.IsStale(a));
  for (uint32_t e = 1000; e < 1100; ++e) streams.OnFirstRead(e, 0);  // another stream reads on
  EXPECT_TRUE(streams.IsStale(a));                                   // idle
  const uint32_t b = streams.OnFirstRead(5000, 0).id;
  streams.OnFirstRead(9000, 0);  // a third stream: the least recent is forgotten
  EXPECT_EQ(streams.size(), 2u);
  EXPECT_TRUE(streams.IsStale(a));
  EXPECT_FALSE(streams.IsStale(b));
}

TEST(PrefetchStreams, ByteShareSplitsTheBudgetAmongActiveStreams) {
  PrefetchStreams streams(4, 64);
  streams.OnFirstRead(10, 0);
  EXPECT_EQ(streams.ByteShare(1000), 1000u);
  streams.OnFirstRead(500, 0);
  EXPECT_EQ(streams.ByteShare(1000), 500u);
}

TEST(SequentialReadahead, GrowsPerNewPartUpToTheMaximum) {
  SequentialReadahead readahead(8);
  EXPECT_EQ(readahead.OnRead(1, 0, 100, 1000), 1u);
  EXPECT_EQ(readahead.OnRead(1, 100, 100, 1000), 1u);  // same part: no growth
  EXPECT_EQ(readahead.OnRead(1, 200, 900, 1000), 2u);  // into part 1
  EXPECT_EQ(readahead.OnRead(1, 1100, 1000, 1000), 4u);
  EXPECT_EQ(readahead.OnRead(1, 2100, 1000, 1000), 8u);
  EXPECT_EQ(readahead.OnRead(1, 3100, 1000, 1000), 8u);  // capped
}

TEST(SequentialReadahead, SeeksResetAndSmallReorderingIsTolerated) {
  SequentialReadahead readahead(8);
  readahead.OnRead(1, 0, 1000, 1000);
  readahead.OnRead(1, 1000, 1000, 1000);
  EXPECT_EQ(readahead.OnRead(1, 2500, 500, 1000), 4u);   // a small skip forward
  EXPECT_EQ(readahead.OnRead(1, 2000, 500, 1000), 4u);   // a reordered earlier read
  EXPECT_EQ(readahead.OnRead(1, 50000, 100, 1000), 0u);  // a seek: nothing ahead
  EXPECT_EQ(readahead.OnRead(1, 50100, 100, 1000), 1u);  // sequential again: restart
  EXPECT_EQ(readahead.OnRead(2, 7000, 100, 1000), 0u);   // a new file read mid-way
}

}  // namespace
}  // namespace shoal
