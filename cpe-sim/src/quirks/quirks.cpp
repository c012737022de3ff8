#include "quirks/quirks.h"

namespace cpesim {

WireQuirks WireQuirks::from(const Quirks& quirks) {
  WireQuirks w;
  w.active = true;
  w.reply_delay = std::chrono::milliseconds(quirks.reply_delay_ms);
  w.drop_connection_after = quirks.drop_connection_after;
  w.stall_after = quirks.stall_after;
  w.encode = quirks.encodeOptions();
  w.transfer_bytes_per_second = quirks.transfer_bytes_per_second;
  w.download_fault = quirks.download_fault;
  w.upload_fault = quirks.upload_fault;
  return w;
}

WireQuirks WireQuirks::forDevice(const Profile& profile, std::uint32_t index) {
  const Quirks* q = profile.quirksFor(index);
  return q != nullptr ? from(*q) : WireQuirks{};
}

}  // namespace cpesim
