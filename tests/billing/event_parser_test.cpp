#include "billing/event_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/billing/billing_fixtures.h"

namespace preflight::billing {
namespace {

using testing::at;
using testing::event_line;

TEST(BillEventParser, ReadsTheSpecEvent) {
  EventParser parser;
  BillableEvent event;
  const std::string line =
      R"({"specversion":"1.0","type":"preflight.billable.v1","source":"preflight","id":"3f2a",)"
      R"("time":"2026-11-23T08:00:00Z","subject":"/a.gif","data":{"service":"ims","units":5,)"
      R"("frames_sampled":5,"sha256":"ab","bytes":183422,"profile":"tencent-ims","nested":{"units":"x"}}})";
  ASSERT_EQ(parser.parse(line, event), "");
  EXPECT_EQ(event.id, "3f2a");
  EXPECT_EQ(event.unix_seconds, at("2026-11-23T08:00:00Z"));
  EXPECT_EQ(event.service, "ims");
  EXPECT_EQ(event.units, 5u);
  EXPECT_EQ(event.action, "");
}

TEST(BillEventParser, UnitsDefaultToOneAndActionsAreRead) {
  EventParser parser;
  BillableEvent event;
  ASSERT_EQ(parser.parse(R"({"specversion":"1.0","type":"preflight.billable.v1","id":"x","time":)"
                         R"("2026-11-23T08:00:00Z","data":{"action":"add_face","service":"face.group"}})",
                         event),
            "");
  EXPECT_EQ(event.units, 1u);
  EXPECT_EQ(event.action, "add_face");
  EXPECT_EQ(event.service, "face.group");
}

TEST(BillEventParser, EscapedStringsAreDecoded) {
  EventParser parser;
  BillableEvent event;
  const std::string line =
      R"({"specversion":"1.0","type":"preflight.billable.v1","id":"a\"b\\c\u00e9\ud83d\ude00",)"
      R"("time":"2026-11-23T08:00:00Z","d\u0061ta":{"service":"im\u0073"},"subject":"caf\u00e9 \t"})";
  ASSERT_EQ(parser.parse(line, event), "");
  EXPECT_EQ(event.id, "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(event.service, "ims");
}

TEST(BillEventParser, UnknownAttributesAndWhitespaceAreFine) {
  EventParser parser;
  BillableEvent event;
  const std::string line = "  " + event_line("e", "2026-11-23T08:00:00+08:00", "tiia.label", 7) + " \r";
  ASSERT_EQ(parser.parse(line, event), "");
  EXPECT_EQ(event.units, 7u);
  EXPECT_EQ(event.unix_seconds, at("2026-11-23T00:00:00Z"));
}

struct BadLine {
  const char* what;
  std::string line;
  const char* message;
};

class BillEventParserBadLines : public ::testing::TestWithParam<BadLine> {};

TEST_P(BillEventParserBadLines, SayWhatIsWrong) {
  EventParser parser;
  BillableEvent event;
  const std::string problem = parser.parse(GetParam().line, event);
  EXPECT_NE(problem.find(GetParam().message), std::string::npos) << GetParam().what << ": " << problem;
}

const std::string kGood = event_line("e1", "2026-11-23T08:00:00Z", "ims");

std::string replaced(std::string line, const std::string& from, const std::string& to) {
  line.replace(line.find(from), from.size(), to);
  return line;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, BillEventParserBadLines,
    ::testing::Values(
        BadLine{"truncated", kGood.substr(0, kGood.size() / 2), "not valid JSON at column"},
        BadLine{"not an object", "[1,2]", "the line must be a JSON object"},
        BadLine{"plain text", "hello", "the line must be a JSON object"},
        BadLine{"trailing text", kGood + " x", "unexpected text after the object"},
        BadLine{"two objects", kGood + kGood, "unexpected text after the object"},
        BadLine{"trailing comma", replaced(kGood, "\"source\"", ",\"source\""), "expected a member name"},
        BadLine{"single quotes", replaced(kGood, "\"source\"", "'source'"), "expected a member name"},
        BadLine{"bad escape", replaced(kGood, "preflight\",\"id", "pre\\xflight\",\"id"), "invalid escape"},
        BadLine{"lone surrogate", replaced(kGood, "\"e1\"", "\"\\udc00\""), "lone low surrogate"},
        BadLine{"unpaired high surrogate", replaced(kGood, "\"e1\"", "\"\\ud83dx\""),
                "without a low surrogate"},
        BadLine{"invalid UTF-8", replaced(kGood, "\"e1\"", "\"e\xC3\x28\""), "invalid UTF-8"},
        BadLine{"overlong UTF-8", replaced(kGood, "\"e1\"", "\"\xC0\xAF\""), "invalid UTF-8"},
        BadLine{"raw control character", replaced(kGood, "\"e1\"", "\"e\t1\""), "control character"},
        BadLine{"leading zero", replaced(kGood, "\"bytes\":1000", "\"bytes\":01000"), "expected ',' or '}'"},
        BadLine{"bare minus", replaced(kGood, "\"bytes\":1000", "\"bytes\":-"), "expected a value"},
        BadLine{
            "deep nesting",
            replaced(kGood, "\"sha256\":\"00\"", "\"x\":" + std::string(200, '[') + std::string(200, ']')),
            "nesting deeper than"},
        BadLine{"missing id", replaced(kGood, "\"id\"", "\"ident\""), "field \"id\" is missing"},
        BadLine{"empty id", replaced(kGood, "\"e1\"", "\"\""), "field \"id\" is missing or empty"},
        BadLine{"numeric id", replaced(kGood, "\"e1\"", "17"), "field \"id\" must be a string, got 17"},
        BadLine{"wrong type", replaced(kGood, "preflight.billable.v1", "preflight.verdict.v1"),
                "field \"type\" must be \"preflight.billable.v1\""},
        BadLine{"wrong specversion", replaced(kGood, "\"1.0\"", "\"0.3\""),
                "field \"specversion\" must be \"1.0\""},
        BadLine{"missing time", replaced(kGood, "\"time\"", "\"when\""), "field \"time\" is missing"},
        BadLine{"time without zone", replaced(kGood, "08:00:00Z", "08:00:00"),
                "field \"time\" must be an RFC 3339 timestamp"},
        BadLine{"time as number", replaced(kGood, "\"2026-11-23T08:00:00Z\"", "1795420800"),
                "field \"time\" must be a string, got 1795420800"},
        BadLine{"data as string", replaced(kGood, "\"data\":{", "\"data\":\"x\",\"other\":{"),
                "field \"data\" must be a JSON object, got \"x\""},
        BadLine{"data missing", replaced(kGood, "\"data\"", "\"payload\""), "field \"data\" is missing"},
        BadLine{"service missing", replaced(kGood, "\"service\"", "\"svc\""),
                "field \"data.service\" is missing"},
        BadLine{"service as array", replaced(kGood, "\"service\":\"ims\"", "\"service\":[\"ims\"]"),
                "field \"data.service\" must be a string, got an array"},
        BadLine{"units zero", replaced(kGood, "\"units\":1", "\"units\":0"),
                "field \"data.units\" must be a positive integer, got 0"},
        BadLine{"units negative", replaced(kGood, "\"units\":1", "\"units\":-3"), "got -3"},
        BadLine{"units fraction", replaced(kGood, "\"units\":1", "\"units\":1.5"), "got 1.5"},
        BadLine{"units exponent", replaced(kGood, "\"units\":1", "\"units\":1e3"), "got 1e3"},
        BadLine{"units string", replaced(kGood, "\"units\":1", "\"units\":\"1\""), "got \"1\""},
        BadLine{"units overflow", replaced(kGood, "\"units\":1", "\"units\":18446744073709551616"),
                "got 18446744073709551616"},
        BadLine{"units null", replaced(kGood, "\"units\":1", "\"units\":null"), "got null"}),
    [](const ::testing::TestParamInfo<BadLine>& info) {
      std::string name = info.param.what;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

}  // namespace
}  // namespace preflight::billing
