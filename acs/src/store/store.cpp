// Pure helpers of the store interface (store.h).
#include "store/store.h"

#include <algorithm>
#include <cmath>

namespace acs::store {

TimePoint nowMs() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string_view storeErrcName(StoreErrc code) {
  switch (code) {
    case StoreErrc::NotFound:
      return "not_found";
    case StoreErrc::Conflict:
      return "conflict";
    case StoreErrc::Busy:
      return "busy";
    case StoreErrc::Unavailable:
      return "unavailable";
    case StoreErrc::Invalid:
      return "invalid";
  }
  return "invalid";
}

const std::vector<std::string_view>& deviceSortFields() {
  static const std::vector<std::string_view> kFields = {"id",
                                                        "last_inform",
                                                        "first_seen",
                                                        "oui",
                                                        "product_class",
                                                        "serial_number",
                                                        "software_version",
                                                        "manufacturer"};
  return kFields;
}

std::string_view taskStateName(TaskState state) {
  switch (state) {
    case TaskState::Pending:
      return "pending";
    case TaskState::Sent:
      return "sent";
    case TaskState::Completed:
      return "completed";
    case TaskState::Faulted:
      return "faulted";
    case TaskState::Failed:
      return "failed";
    case TaskState::Cancelled:
      return "cancelled";
    case TaskState::Expired:
      return "expired";
  }
  return "pending";
}

std::optional<TaskState> parseTaskState(std::string_view name) {
  for (TaskState state : kAllTaskStates) {
    if (taskStateName(state) == name) return state;
  }
  return std::nullopt;
}

bool isFinished(TaskState state) { return state != TaskState::Pending && state != TaskState::Sent; }

namespace {

void appendEncoded(std::string& out, std::string_view part) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : part) {
    const auto byte = static_cast<unsigned char>(ch);
    const bool keep = (byte >= '0' && byte <= '9') || (byte >= 'A' && byte <= 'Z') ||
                      (byte >= 'a' && byte <= 'z') || byte == '_';
    if (keep) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
}

}  // namespace

std::string makeDeviceId(std::string_view oui, std::string_view product_class,
                         std::string_view serial_number) {
  std::string id;
  id.reserve(oui.size() + product_class.size() + serial_number.size() + 8);
  appendEncoded(id, oui);
  id.push_back('-');
  if (!product_class.empty()) {
    appendEncoded(id, product_class);
    id.push_back('-');
  }
  appendEncoded(id, serial_number);
  return id;
}

std::int64_t onlineMultipleMilli(double online_multiple) {
  if (!(online_multiple > 0)) return 0;
  return std::llround(online_multiple * 1000.0);
}

bool isOnline(const Device& device, TimePoint now, double online_multiple,
              std::chrono::milliseconds default_online_window) {
  if (device.last_inform.time_since_epoch().count() == 0) return false;
  std::chrono::milliseconds window = default_online_window;
  if (device.periodic_inform_interval > 0) {
    window = std::chrono::milliseconds(device.periodic_inform_interval *
                                       onlineMultipleMilli(online_multiple));
  }
  return now <= device.last_inform + window;
}

}  // namespace acs::store
