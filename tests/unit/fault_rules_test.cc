// shoal-fault-proxy's pure parts: rule parsing and choosing, the control
// endpoint, the HTTP framing that keeps connections alive, and what each
// fault does to an answer. The sockets are left to the integration tests.
#include "tools/bench/fault_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tools/bench/fault_control.h"
#include "tools/bench/fault_effects.h"
#include "tools/bench/http_framing.h"

namespace shoal::bench {
namespace {

FaultRule Rule(std::string_view line) {
  Result<FaultRule> rule = ParseRule(line);
  EXPECT_TRUE(rule.ok()) << line << ": " << rule.status().ToString();
  return rule.ok() ? *rule : FaultRule{};
}

std::vector<FaultRule> Rules(std::string_view text) {
  Result<std::vector<FaultRule>> rules = ParseRules(text, "test");
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  return rules.ok() ? *rules : std::vector<FaultRule>{};
}

// The kind chosen for a request, kOff when no rule fires.
FaultKind Chosen(FaultRules& rules, std::string_view method, std::string_view target) {
  const std::optional<FaultChoice> choice = rules.Choose(method, target);
  return choice ? choice->rule.kind : FaultKind::kOff;
}

TEST(FaultRules, ParsesEveryWord) {
  const FaultRule rule = Rule("fault=503 method=get key=class-1/ percent=50 limit=3");
  EXPECT_EQ(rule.kind, FaultKind::kSlowDown);
  EXPECT_EQ(rule.method, "GET");
  EXPECT_EQ(rule.key, "class-1/");
  EXPECT_EQ(rule.percent, 50);
  EXPECT_EQ(rule.limit, 3);
  EXPECT_EQ(Rule("fault=stall ms=3000").ms, 3000);
  EXPECT_EQ(Rule("fault=trickle bps=4096").bps, 4096);
  EXPECT_EQ(Rule("fault=truncate bytes=10").bytes, 10);
  EXPECT_EQ(Rule("fault=bad-length delta=-5").delta, -5);
  EXPECT_EQ(Rule("fault=reset at=response").at, FaultStage::kResponse);
  EXPECT_EQ(Rule("fault=500 method=any").method, "");
  EXPECT_EQ(Rule("fault=off").kind, FaultKind::kOff);
}

TEST(FaultRules, FormatRoundTrips) {
  for (std::string_view line :
       {"fault=off", "fault=500 method=PUT at=response", "fault=503 key=a/b percent=50 limit=2",
        "fault=reset method=HEAD", "fault=stall ms=3000", "fault=trickle bps=100", "fault=truncate",
        "fault=truncate bytes=7", "fault=bad-length delta=-3",
        "fault=wrong-object method=GET key=k"}) {
    EXPECT_EQ(FormatRule(Rule(line)), line);
  }
}

TEST(FaultRules, BadLinesAreRejectedNamingTheLine) {
  Result<std::vector<FaultRule>> rules =
      ParseRules("fault=503\n\nfault=5O3 method=GET\n", "rules file r.txt");
  ASSERT_FALSE(rules.ok());
  const std::string& message = rules.status().message();
  EXPECT_NE(message.find("rules file r.txt line 3"), std::string::npos) << message;
  EXPECT_NE(message.find("\"fault=5O3 method=GET\""), std::string::npos) << message;
  EXPECT_NE(message.find("unknown fault"), std::string::npos) << message;

  for (std::string_view bad :
       {"", "method=GET", "fault=503 fault=500", "fault=503 percent=101", "fault=503 percent=x",
        "fault=503 method=PATCH", "fault=503 colour=red", "fault=503 nonsense", "fault=503 key=",
        "fault=503 ms=10", "fault=stall bps=10", "fault=trickle bps=0", "fault=truncate bytes=-1",
        "fault=bad-length delta=0", "fault=stall at=response", "fault=reset at=later"}) {
    EXPECT_FALSE(ParseRule(bad).ok()) << bad;
  }
  EXPECT_NE(ParseRule("fault=stall bps=10").status().message().find("fault=trickle"),
            std::string::npos);
}

TEST(FaultRules, CommentsAndBlankLinesAreSkipped) {
  const std::vector<FaultRule> rules =
      Rules("# faults for the read test\n\n  fault=503 key=a  # matched=3 hits=1\r\nfault=off\n");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].key, "a");
  EXPECT_EQ(rules[1].kind, FaultKind::kOff);
}

TEST(FaultRules, MethodAndKeyFiltersAndFirstMatchWins) {
  FaultRules rules(1);
  rules.Replace(
      Rules("fault=off key=manifest\n"
            "fault=503 method=GET key=class-1/\n"
            "fault=reset method=PUT\n"
            "fault=500\n"));
  EXPECT_EQ(Chosen(rules, "GET", "/b/class-1/x.jpg"), FaultKind::kSlowDown);
  EXPECT_EQ(Chosen(rules, "HEAD", "/b/class-1/x.jpg"), FaultKind::kInternalError);
  EXPECT_EQ(Chosen(rules, "PUT", "/b/class-1/x.jpg"), FaultKind::kReset);
  EXPECT_EQ(Chosen(rules, "GET", "/b/class-2/x.jpg"), FaultKind::kInternalError);
  const std::optional<FaultChoice> off = rules.Choose("GET", "/b/manifest/class-1/");
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->index, 0u);
  EXPECT_EQ(off->rule.kind, FaultKind::kOff);

  FaultRules none(1);
  EXPECT_FALSE(none.Choose("GET", "/b/k").has_value());
}

TEST(FaultRules, PercentIsReproducibleForASeed) {
  auto sequence = [](uint64_t seed) {
    FaultRules rules(seed);
    rules.Replace(Rules("fault=503 percent=50"));
    std::string fired;
    for (int i = 0; i < 1000; ++i) fired += rules.Choose("GET", "/b/k") ? '1' : '0';
    return fired;
  };
  const std::string first = sequence(42);
  EXPECT_EQ(first, sequence(42));
  EXPECT_NE(first, sequence(43));
  const auto fired = std::count(first.begin(), first.end(), '1');
  EXPECT_GT(fired, 420);
  EXPECT_LT(fired, 580);

  FaultRules never(7);
  never.Replace(Rules("fault=503 percent=0"));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(never.Choose("GET", "/b/k").has_value());
}

TEST(FaultRules, ARuleThatDoesNotFireLetsTheNextTry) {
  FaultRules rules(3);
  rules.Replace(Rules("fault=503 percent=0\nfault=stall ms=5\n"));
  EXPECT_EQ(Chosen(rules, "GET", "/b/k"), FaultKind::kStall);
}

TEST(FaultRules, LimitCapsTheHits) {
  FaultRules rules(3);
  rules.Replace(Rules("fault=503 limit=2\nfault=off\n"));
  EXPECT_EQ(Chosen(rules, "GET", "/b/k"), FaultKind::kSlowDown);
  EXPECT_EQ(Chosen(rules, "GET", "/b/k"), FaultKind::kSlowDown);
  EXPECT_EQ(Chosen(rules, "GET", "/b/k"), FaultKind::kOff);
  EXPECT_NE(rules.Describe().find("fault=503 limit=2  # matched=3 hits=2"), std::string::npos)
      << rules.Describe();
}

TEST(FaultControl, RulesAreReadReplacedAndCleared) {
  FaultRules rules(9);
  EXPECT_TRUE(IsControlTarget("/__fault__/rules"));
  EXPECT_TRUE(IsControlTarget("/__fault__/rules?x=1"));
  EXPECT_FALSE(IsControlTarget("/__faulty/rules"));
  EXPECT_FALSE(IsControlTarget("/bucket/__fault__/rules"));

  ControlReply put =
      HandleControl(rules, "PUT", "/__fault__/rules", "fault=503 method=GET\nfault=stall ms=10\n");
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, "ok: 2 rules\n");
  rules.Choose("GET", "/b/k");
  ControlReply get = HandleControl(rules, "GET", "/__fault__/rules", "");
  EXPECT_EQ(get.status, 200);
  EXPECT_NE(get.body.find("# seed=9 requests=1 faults=1 rules=2\n"), std::string::npos) << get.body;
  EXPECT_NE(get.body.find("fault=503 method=GET  # matched=1 hits=1\n"), std::string::npos);
  // What GET prints is accepted back as it is.
  EXPECT_EQ(HandleControl(rules, "PUT", "/__fault__/rules", get.body).status, 200);

  ControlReply bad = HandleControl(rules, "PUT", "/__fault__/rules", "fault=off\nfault=stall x");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("PUT /__fault__/rules line 2"), std::string::npos) << bad.body;
  EXPECT_NE(HandleControl(rules, "GET", "/__fault__/rules", "").body.find("rules=2"),
            std::string::npos);  // a rejected PUT changes nothing

  EXPECT_EQ(HandleControl(rules, "DELETE", "/__fault__/rules", "").status, 200);
  EXPECT_FALSE(rules.Choose("GET", "/b/k").has_value());
  EXPECT_EQ(HandleControl(rules, "GET", "/__fault__/other", "").status, 404);
  EXPECT_EQ(HandleControl(rules, "PATCH", "/__fault__/rules", "").status, 405);
}

TEST(HttpFraming, HeadsAndHeaders) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n"), std::string_view::npos);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), 27u);

  std::string head = "HTTP/1.1 200 OK\r\nETag:  \"abc\" \r\ncontent-length: 5\r\n\r\n";
  EXPECT_EQ(HeaderValue(head, "etag"), "\"abc\"");
  EXPECT_EQ(HeaderValue(head, "Content-Length"), "5");
  EXPECT_FALSE(HeaderValue(head, "Content-Type").has_value());
  EXPECT_TRUE(ReplaceHeaderValue(head, "Content-Length", "6"));
  EXPECT_EQ(head, "HTTP/1.1 200 OK\r\nETag:  \"abc\" \r\ncontent-length: 6\r\n\r\n");
  EXPECT_FALSE(ReplaceHeaderValue(head, "Content-Type", "x"));
}

TEST(HttpFraming, RequestHeads) {
  Result<RequestHead> get = ParseRequestHead("GET /b/k?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->method, "GET");
  EXPECT_EQ(get->target, "/b/k?x=1");
  EXPECT_EQ(get->body.kind, BodyFraming::Kind::kNone);
  EXPECT_FALSE(get->close);

  Result<RequestHead> put = ParseRequestHead(
      "PUT /b/k HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n"
      "Connection: close\r\n\r\n");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->body.kind, BodyFraming::Kind::kLength);
  EXPECT_EQ(put->body.length, 10u);
  EXPECT_TRUE(put->expect_continue);
  EXPECT_TRUE(put->close);

  Result<RequestHead> chunked =
      ParseRequestHead("PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(chunked.ok());
  EXPECT_EQ(chunked->body.kind, BodyFraming::Kind::kChunked);

  EXPECT_TRUE(ParseRequestHead("GET / HTTP/1.0\r\n\r\n")->close);
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")->close);
  EXPECT_FALSE(ParseRequestHead("hello\r\n\r\n").ok());
  EXPECT_FALSE(ParseRequestHead("PUT / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n").ok());
}

TEST(HttpFraming, ResponseHeads) {
  const std::string sized = "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n";
  Result<ResponseHead> get = ParseResponseHead(sized, "GET");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body.kind, BodyFraming::Kind::kLength);
  EXPECT_EQ(get->body.length, 42u);
  // A HEAD answer announces the object's length but carries no body.
  EXPECT_EQ(ParseResponseHead(sized, "HEAD")->body.kind, BodyFraming::Kind::kNone);
  for (std::string_view no_body : {"HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304\r\n\r\n",
                                   "HTTP/1.1 100 Continue\r\n\r\n"}) {
    Result<ResponseHead> response = ParseResponseHead(no_body, "GET");
    ASSERT_TRUE(response.ok()) << no_body;
    EXPECT_EQ(response->body.kind, BodyFraming::Kind::kNone) << no_body;
  }
  EXPECT_EQ(
      ParseResponseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET")->body.kind,
      BodyFraming::Kind::kChunked);
  Result<ResponseHead> unsized = ParseResponseHead("HTTP/1.1 200 OK\r\n\r\n", "GET");
  EXPECT_EQ(unsized->body.kind, BodyFraming::Kind::kUntilClose);
  EXPECT_TRUE(ParseResponseHead("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", "GET")->close);
  EXPECT_FALSE(ParseResponseHead("HTTP/1.1 2x0 OK\r\n\r\n", "GET").ok());
}

TEST(HttpFraming, ContentLengthBodyEndsWhereTheNextMessageStarts) {
  BodyTracker body(BodyFraming{BodyFraming::Kind::kLength, 5});
  std::string payload;
  EXPECT_EQ(body.Consume("abc", &payload), 3u);
  EXPECT_FALSE(body.done());
  EXPECT_EQ(body.Consume("deGET / HTTP/1.1", &payload), 2u);
  EXPECT_TRUE(body.done());
  EXPECT_EQ(payload, "abcde");
  EXPECT_EQ(body.Consume("more"), 0u);
  EXPECT_TRUE(BodyTracker(BodyFraming{BodyFraming::Kind::kLength, 0}).done());
  EXPECT_TRUE(BodyTracker(BodyFraming{}).done());
}

TEST(HttpFraming, ChunkedBodySplitAnywhere) {
  const std::string body =
      "4\r\nWiki\r\n5;name=value\r\npedia\r\nA\r\n in chunks\r\n0\r\n"
      "x-amz-checksum-crc32: AAAAAA==\r\n\r\n";
  const std::string next = "HTTP/1.1 200 OK\r\n";
  const std::string stream = body + next;
  for (size_t split = 0; split <= stream.size(); ++split) {
    BodyTracker tracker(BodyFraming{BodyFraming::Kind::kChunked, 0});
    std::string payload;
    size_t used = tracker.Consume(std::string_view(stream).substr(0, split), &payload);
    if (!tracker.done()) used += tracker.Consume(std::string_view(stream).substr(split), &payload);
    ASSERT_TRUE(tracker.done()) << "split at " << split;
    EXPECT_EQ(used, body.size()) << "split at " << split;
    EXPECT_EQ(payload, "Wikipedia in chunks");
  }
  BodyTracker bytewise(BodyFraming{BodyFraming::Kind::kChunked, 0});
  size_t used = 0;
  for (char c : stream) {
    if (!bytewise.done()) used += bytewise.Consume(std::string_view(&c, 1));
  }
  EXPECT_EQ(used, body.size());

  BodyTracker broken(BodyFraming{BodyFraming::Kind::kChunked, 0});
  broken.Consume("4\r\nWikiXX");
  EXPECT_TRUE(broken.failed());
  BodyTracker no_size(BodyFraming{BodyFraming::Kind::kChunked, 0});
  no_size.Consume("\r\n");
  EXPECT_TRUE(no_size.failed());
}

TEST(HttpFraming, UntilCloseTakesEverything) {
  BodyTracker body(BodyFraming{BodyFraming::Kind::kUntilClose, 0});
  EXPECT_EQ(body.Consume("anything at all"), 15u);
  EXPECT_TRUE(body.until_close());
  EXPECT_FALSE(body.done());
}

TEST(FaultEffects, WrongObjectChangesTheEtagAndEveryByte) {
  const std::string etag = "\"d41d8cd98f00b204e9800998ecf8427e\"";
  const std::string wrong = WrongEtag(etag);
  EXPECT_NE(wrong, etag);
  EXPECT_EQ(wrong.size(), etag.size());
  EXPECT_EQ(wrong.front(), '"');
  EXPECT_EQ(WrongEtag(wrong), etag);
  EXPECT_NE(WrongEtag("\"xyz\""), "\"xyz\"");

  std::string body = "hello";
  FlipBytes(body);
  for (size_t i = 0; i < body.size(); ++i) EXPECT_NE(body[i], "hello"[i]);
  FlipBytes(body);
  EXPECT_EQ(body, "hello");
}

TEST(FaultEffects, ShortAndWrongLengths) {
  EXPECT_EQ(TruncatedLength(Rule("fault=truncate"), 100), 50u);
  EXPECT_EQ(TruncatedLength(Rule("fault=truncate bytes=10"), 100), 10u);
  EXPECT_EQ(TruncatedLength(Rule("fault=truncate bytes=500"), 100), 99u);
  EXPECT_EQ(TruncatedLength(Rule("fault=truncate"), 1), 0u);
  EXPECT_EQ(BadLength(Rule("fault=bad-length"), 100), 101u);
  EXPECT_EQ(BadLength(Rule("fault=bad-length delta=-30"), 100), 70u);
  EXPECT_EQ(BadLength(Rule("fault=bad-length delta=-300"), 100), 0u);
}

TEST(FaultEffects, InjectedErrorsLookLikeS3) {
  const std::string slow = S3ErrorResponse(FaultKind::kSlowDown, "GET", "/b/k?x=1", false);
  EXPECT_TRUE(slow.starts_with("HTTP/1.1 503 Slow Down\r\n")) << slow;
  EXPECT_NE(slow.find("<Code>SlowDown</Code>"), std::string::npos);
  EXPECT_NE(slow.find("<Resource>/b/k</Resource>"), std::string::npos);
  EXPECT_EQ(slow.find("Connection: close"), std::string::npos);
  const size_t head = FindHeadEnd(slow);
  Result<ResponseHead> parsed = ParseResponseHead(slow.substr(0, head), "GET");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->body.length, slow.size() - head);

  const std::string internal = S3ErrorResponse(FaultKind::kInternalError, "HEAD", "/b/k", true);
  EXPECT_TRUE(internal.starts_with("HTTP/1.1 500 "));
  EXPECT_NE(internal.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(FindHeadEnd(internal), internal.size());  // HEAD: no body
}

}  // namespace
}  // namespace shoal::bench
