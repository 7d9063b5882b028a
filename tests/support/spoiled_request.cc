#include "tests/support/spoiled_request.h"

#include <cstdint>
#include <limits>
#include <string>

namespace cantine::testing {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void SpoilFields(Message& message, Spoil spoil, int depth) {
  const Descriptor* descriptor = message.GetDescriptor();
  const Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) {
      // One bad element is enough to be refused; a list of them would be the same.
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        reflection->AddString(&message, field, std::string(kLongString, 'x'));
      }
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(&message, field,
                              spoil == Spoil::kLongStrings
                                  ? std::string(kLongString, 'x')
                                  : std::string("../../etc/passwd\n<script>\t\xc3\xa9%00"));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        reflection->SetInt32(&message, field,
                             spoil == Spoil::kHuge ? std::numeric_limits<int32_t>::max() : -1);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        reflection->SetInt64(&message, field,
                             spoil == Spoil::kHuge ? std::numeric_limits<int64_t>::max()
                                                   : std::numeric_limits<int64_t>::min());
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        reflection->SetUInt32(&message, field, std::numeric_limits<uint32_t>::max());
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        reflection->SetUInt64(&message, field, std::numeric_limits<uint64_t>::max());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        reflection->SetBool(&message, field, true);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        reflection->SetEnumValue(&message, field, spoil == Spoil::kUnknownEnums ? 12345 : -7);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 2) SpoilFields(*reflection->MutableMessage(&message, field), spoil, depth + 1);
        break;
      default:
        break;
    }
  }
}

}  // namespace cantine::testing
