#include "decoders/svg_entities.h"

#include <libxml/entities.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>
#include <mutex>

namespace preflight {
namespace {

struct ContextFree {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};
struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using ContextPtr = std::unique_ptr<xmlParserCtxt, ContextFree>;
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

// Never XML_PARSE_DTDLOAD or XML_PARSE_HUGE: libxml2 keeps its guards, and loads nothing from outside.
constexpr int kQuietOffline = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

void initialise_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });  // not thread-safe on its first call in libxml2 2.9
}

DecodeFailure parse_failure(xmlParserCtxt* context) {
  const xmlError* error = xmlCtxtGetLastError(context);
  std::string message = error != nullptr && error->message != nullptr ? error->message : "malformed XML";
  message.erase(message.find_last_not_of(" \n") + 1);
  const bool expansion =
      error != nullptr && error->code == XML_ERR_ENTITY_LOOP;  // also its amplification guard
  return decode_failure(expansion ? "entity_expansion" : "invalid_xml", "XML parse error: " + message);
}

DecodeResult<DocPtr> parse(xmlParserCtxt* context, std::string_view text, int options) {
  DocPtr doc{
      xmlCtxtReadMemory(context, text.data(), static_cast<int>(text.size()), nullptr, nullptr, options)};
  if (!doc || !context->wellFormed) return parse_failure(context);
  return doc;
}

void note_external(void* entity, void* found, const xmlChar*) {
  const auto type = static_cast<xmlEntity*>(entity)->etype;
  if (type != XML_INTERNAL_GENERAL_ENTITY && type != XML_INTERNAL_PARAMETER_ENTITY &&
      type != XML_INTERNAL_PREDEFINED_ENTITY) {
    *static_cast<bool*>(found) = true;
  }
}

bool declares_external_entity(const xmlDoc& doc) {
  bool found = false;
  if (doc.intSubset == nullptr) return false;
  for (void* table : {doc.intSubset->entities, doc.intSubset->pentities}) {
    if (table != nullptr) xmlHashScan(static_cast<xmlHashTable*>(table), note_external, &found);
  }
  return found;
}

}  // namespace

DecodeResult<std::optional<std::string>> expand_svg_entities(std::string_view text) {
  if (text.find("<!ENTITY") == std::string_view::npos) return std::optional<std::string>{};
  if (text.size() > INT_MAX) return decode_failure("too_large", "document over 2 GiB");
  initialise_libxml2();
  const ContextPtr context{xmlNewParserCtxt()};
  if (!context) return decode_failure("out_of_memory", "xmlNewParserCtxt failed");
  // First without substitution, which can load nothing: a declared external entity ends it here.
  auto declared = parse(context.get(), text, kQuietOffline);
  if (!declared.ok()) return declared.failure();
  if (declares_external_entity(*declared.value())) {
    return decode_failure("external_entity", "the document declares an external entity; none is ever loaded");
  }
  // Only internal entities remain, so substituting them reads nothing outside the document either.
  auto expanded = parse(context.get(), text, kQuietOffline | XML_PARSE_NOENT);
  if (!expanded.ok()) return expanded.failure();
  xmlDoc* doc = expanded.value().get();
  if (xmlDtd* dtd = xmlGetIntSubset(doc)) {
    xmlUnlinkNode(reinterpret_cast<xmlNode*>(dtd));
    xmlFreeDtd(dtd);
  }
  xmlChar* dumped = nullptr;
  int size = 0;
  xmlDocDumpMemory(doc, &dumped, &size);
  const std::unique_ptr<xmlChar, XmlFree> owned{dumped};
  if (dumped == nullptr) return decode_failure("out_of_memory", "xmlDocDumpMemory failed");
  return std::optional<std::string>{std::string(reinterpret_cast<const char*>(dumped), size)};
}

}  // namespace preflight
