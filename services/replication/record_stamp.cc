#include "services/replication/record_stamp.h"

#include <tuple>

namespace cantine::replication {

v1::RecordStamp StampOf(const v1::OplogEntry& entry) {
  v1::RecordStamp stamp;
  *stamp.mutable_hlc() = entry.hlc();
  stamp.set_site_id(entry.origin().site_id());
  return stamp;
}

v1::RecordStamp MakeStamp(int64_t wall_micros, uint32_t logical, const std::string& site_id) {
  v1::RecordStamp stamp;
  stamp.mutable_hlc()->set_wall_micros(wall_micros);
  stamp.mutable_hlc()->set_logical(logical);
  stamp.set_site_id(site_id);
  return stamp;
}

bool IsNewer(const v1::RecordStamp& candidate, const v1::RecordStamp& current) {
  return std::make_tuple(candidate.hlc().wall_micros(), candidate.hlc().logical(),
                         candidate.site_id()) >
         std::make_tuple(current.hlc().wall_micros(), current.hlc().logical(), current.site_id());
}

}  // namespace cantine::replication
