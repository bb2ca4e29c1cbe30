#include "pipeline/data_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace preflight {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;

struct DataIdCase {
  std::string id;
  bool accepted;
};

class DataIdTable : public ::testing::TestWithParam<DataIdCase> {};

TEST_P(DataIdTable, FollowsSpecSection9) {
  const auto rejection = check_data_id(GetParam().id);
  EXPECT_EQ(!rejection, GetParam().accepted) << rejection.value_or(Rejection{}).message;
  if (rejection) {
    EXPECT_EQ(rejection->reason_text(), "invalid_data_id");
    EXPECT_EQ(reason_code(rejection->reason), "InvalidParameterValue.InvalidDataId");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ids, DataIdTable,
    ::testing::Values(DataIdCase{"", true}, DataIdCase{"a", true}, DataIdCase{"Z", true},
                      DataIdCase{"7", true}, DataIdCase{"order_2024-05-01", true},
                      DataIdCase{"user@example", true}, DataIdCase{"#tag", true}, DataIdCase{"A_-@#z9", true},
                      DataIdCase{std::string(64, 'x'), true}, DataIdCase{std::string(63, 'x') + "#", true},
                      DataIdCase{std::string(65, 'x'), false}, DataIdCase{std::string(1000, '1'), false},
                      DataIdCase{"a b", false}, DataIdCase{"a.b", false}, DataIdCase{"a/b", false},
                      DataIdCase{"a+b", false}, DataIdCase{"a:b", false}, DataIdCase{"a\tb", false},
                      DataIdCase{"a\0b"s, false}, DataIdCase{"café", false}, DataIdCase{"图片", false},
                      DataIdCase{"a%20b", false}));

TEST(DataId, TooLongNamesTheLength) {
  const auto rejection = check_data_id(std::string(65, 'x'));
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->message, "DataId is 65 characters long; the service allows at most 64");
}

TEST(DataId, BadCharacterIsNamedWithItsPosition) {
  const auto rejection = check_data_id("ab c");
  ASSERT_TRUE(rejection);
  EXPECT_THAT(rejection->message, HasSubstr("DataId \"ab c\" has ' ' at position 3"));
}

TEST(DataId, NonAsciiIsNamedByByte) {
  const auto rejection = check_data_id("café");
  ASSERT_TRUE(rejection);
  EXPECT_THAT(rejection->message, HasSubstr("has byte 0xc3 at position 4"));
}

}  // namespace
}  // namespace preflight
