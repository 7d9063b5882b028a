#pragma once

#include "cantine/v1/federation.pb.h"

namespace cantine::replication {

// The stamp a replicated write gives the records it changes: its entry's hlc and origin.
v1::RecordStamp StampOf(const v1::OplogEntry& entry);
v1::RecordStamp MakeStamp(int64_t wall_micros, uint32_t logical, const std::string& site_id);

// Last-writer-wins order: hlc first, then the origin site id. An unset stamp is the oldest.
bool IsNewer(const v1::RecordStamp& candidate, const v1::RecordStamp& current);

}  // namespace cantine::replication
