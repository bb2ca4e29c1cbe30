// Entities are expanded by libxml2 before librsvg sees the document (librsvg 2.54 leaks every declaration;
// in the sanitizer build LeakSanitizer would report it at exit if one reached it).
#include "decoders/svg_entities.h"

#include <gtest/gtest.h>

#include <string>

#include "decoders/svg_decoder.h"

namespace preflight {
namespace {

constexpr const char* kFlatEntities = R"(<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg"><!ENTITY side "96">]>
<svg xmlns="&ns_svg;" width="&side;" height="64"><text>&side;</text></svg>)";

TEST(SvgEntities, DocumentWithoutEntitiesIsLeftAlone) {
  const auto result =
      expand_svg_entities(R"(<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>)");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.value().has_value());
}

TEST(SvgEntities, InternalEntitiesAreExpandedAndTheDtdDropped) {
  const auto result = expand_svg_entities(kFlatEntities);
  ASSERT_TRUE(result.ok()) << result.failure().message;
  ASSERT_TRUE(result.value().has_value());
  const std::string& expanded = *result.value();
  EXPECT_EQ(expanded.find("<!ENTITY"), std::string::npos) << expanded;
  EXPECT_EQ(expanded.find("<!DOCTYPE"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find(R"(width="96")"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find("<text>96</text>"), std::string::npos) << expanded;
}

TEST(SvgEntities, TheDecoderReadsTheSizeAnEntityGives) {
  const auto header = svg_decoder().probe(as_bytes(std::string_view(kFlatEntities)), {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 96u);
  EXPECT_EQ(header.value().height, 64u);
}

TEST(SvgEntities, ExternalEntityIsRefusedUnread) {
  const auto result = expand_svg_entities(R"(<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><text>&secret;</text></svg>)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().detail, "external_entity");
}

TEST(SvgEntities, ExternalParameterEntityIsRefusedUnread) {
  const auto result = expand_svg_entities(R"(<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> <!ENTITY side "8">]>
<svg xmlns="http://www.w3.org/2000/svg" width="&side;" height="8"/>)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().detail, "external_entity");
}

TEST(SvgEntities, BillionLaughsIsAnEntityExpansionFailure) {
  std::string entities = R"(<!ENTITY lol0 "lol">)";
  for (int level = 1; level <= 9; ++level) {
    std::string value;
    for (int i = 0; i < 10; ++i) value += "&lol" + std::to_string(level - 1) + ";";
    entities += "<!ENTITY lol" + std::to_string(level) + " \"" + value + "\">";
  }
  const auto result =
      expand_svg_entities(R"(<?xml version="1.0"?><!DOCTYPE svg [)" + entities +
                          R"(]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().detail, "entity_expansion") << result.failure().message;
}

TEST(SvgEntities, MalformedDocumentIsInvalidXml) {
  const auto result = expand_svg_entities(R"(<!DOCTYPE svg [<!ENTITY a "1">]><svg><g></svg>)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().detail, "invalid_xml");
}

}  // namespace
}  // namespace preflight
