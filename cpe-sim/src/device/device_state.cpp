// Device::save() / Device::load(): the device's stored state as one line of text.
//
//   cpesim1 <index> <flags> <boot> <periodic> <retries> <retry_at> <boot_at> <uid> <tid>
//           <msg> <chg> <ParameterKey> [record ...]
//
// followed by records, each a letter and its fields (times in ms since the epoch, "-" for
// none; strings percent-encoded, "~" for the empty string):
//   I uid schema path            instance the ACS added
//   X node                       template instance deleted
//   C uid id next                next instance number of a table
//   D uid id value               stored value
//   A uid id notification sub    attributes
//   V uid id mark active         value change awaiting 4 VALUE CHANGE
//   E code key                   undelivered event
//   T id dl sched state start deadline key type url user password size target   transfer
//   Q dl sched key fault text start complete                                   TransferComplete
//   S at key                     ScheduleInform
//   N ms                         baseline of generated values (last delivered Inform)
//   U key                        ChangeDUState (its operations follow as O records)
//   O kind done transfer uuid version url user password env  r_uuid r_ref r_version r_state
//     r_resolved r_eu_refs r_start r_complete r_fault r_text   one operation and its result

#include <algorithm>
#include <charconv>
#include <set>

#include "device/device_internal.h"

namespace cpesim {
namespace {

void putString(std::string& out, std::string_view s) {
  out += ' ';
  if (s.empty()) {
    out += '~';
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c <= 0x20 || c == 0x7f || c == '%' || (c == '~' && i == 0)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
}

template <class T>
void putNumber(std::string& out, T v) {
  out += ' ';
  out += std::to_string(v);
}

void putTime(std::string& out, std::int64_t ms, std::int64_t never) {
  if (ms == never) {
    out += " -";
  } else {
    putNumber(out, ms);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool done() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    return pos_ >= text_.size();
  }

  std::optional<std::string_view> token() {
    if (done()) return std::nullopt;
    auto end = text_.find(' ', pos_);
    if (end == std::string_view::npos) end = text_.size();
    auto t = text_.substr(pos_, end - pos_);
    pos_ = end;
    return t;
  }

  template <class T>
  bool number(T& out) {
    auto t = token();
    if (!t) return false;
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), out);
    return ec == std::errc() && p == t->data() + t->size();
  }

  bool time(std::int64_t& out, std::int64_t never) {
    auto save = pos_;
    auto t = token();
    if (t && *t == "-") {
      out = never;
      return true;
    }
    pos_ = save;
    return number(out);
  }

  bool string(std::string& out) {
    auto t = token();
    if (!t) return false;
    out.clear();
    if (*t == "~") return true;
    for (std::size_t i = 0; i < t->size(); ++i) {
      char c = (*t)[i];
      if (c != '%') {
        out += c;
        continue;
      }
      if (i + 2 >= t->size()) return false;
      unsigned v = 0;
      auto [p, ec] = std::from_chars(t->data() + i + 1, t->data() + i + 3, v, 16);
      if (ec != std::errc() || p != t->data() + i + 3) return false;
      out += static_cast<char>(v);
      i += 2;
    }
    return true;
  }

  bool flag(bool& out) {
    std::uint32_t v = 0;
    if (!number(v) || v > 1) return false;
    out = v == 1;
    return true;
  }

  std::size_t position() const { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

cwmp::Error stateError(const std::string& what, std::size_t offset) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.offset = offset;
  e.message = "device state: " + what + " (at offset " + std::to_string(offset) + ")";
  return e;
}

}  // namespace

std::string DeviceAccess::save(const Device& d) {
  std::string out = "cpesim1";
  out.reserve(128);
  putNumber(out, d.index_);
  putNumber(out, static_cast<unsigned>(d.flags_));
  putNumber(out, d.boot_ms_);
  putNumber(out, d.periodic_done_ms_);
  putNumber(out, d.retry_count_);
  putTime(out, d.retry_at_ms_, Device::kNever);
  putTime(out, d.boot_at_ms_, Device::kNever);
  putNumber(out, d.next_uid_);
  putNumber(out, d.next_transfer_id_);
  putNumber(out, d.message_seq_);
  putNumber(out, d.change_seq_);
  putString(out, d.parameter_key_);
  for (const auto& a : d.added_) {
    out += " I";
    putNumber(out, a.uid);
    putNumber(out, a.schema);
    putString(out, a.path);
  }
  for (auto n : d.deleted_) {
    out += " X";
    putNumber(out, n);
  }
  for (const auto& c : d.counters_) {
    out += " C";
    putNumber(out, c.table.instance_uid);
    putNumber(out, c.table.id);
    putNumber(out, c.next);
  }
  for (const auto& v : d.diffs_) {
    out += " D";
    putNumber(out, v.key.instance_uid);
    putNumber(out, v.key.id);
    putString(out, v.value);
  }
  for (const auto& a : d.attributes_) {
    out += " A";
    putNumber(out, a.key.instance_uid);
    putNumber(out, a.key.id);
    putNumber(out, static_cast<unsigned>(a.notification));
    putNumber(out, a.subscriber ? 1 : 0);
  }
  for (const auto& c : d.changed_) {
    out += " V";
    putNumber(out, c.key.instance_uid);
    putNumber(out, c.key.id);
    putNumber(out, c.mark);
    putNumber(out, c.active ? 1 : 0);
  }
  for (const auto& e : d.events_) {
    out += " E";
    putString(out, e.event_code);
    putString(out, e.command_key);
  }
  for (const auto& t : d.transfers_) {
    out += " T";
    putNumber(out, t.id);
    putNumber(out, t.is_download ? 1 : 0);
    putNumber(out, t.scheduled ? 1 : 0);
    putNumber(out, t.state);
    putNumber(out, toMs(t.start_at));
    putTime(out, t.deadline ? toMs(*t.deadline) : Device::kNever, Device::kNever);
    putString(out, t.command_key);
    putString(out, t.file_type);
    putString(out, t.url);
    putString(out, t.username);
    putString(out, t.password);
    putNumber(out, t.file_size);
    putString(out, t.target_file_name);
  }
  for (const auto& c : d.completions_) {
    out += " Q";
    putNumber(out, c.is_download ? 1 : 0);
    putNumber(out, c.scheduled ? 1 : 0);
    putString(out, c.message.command_key);
    putNumber(out, c.message.fault_struct.fault_code);
    putString(out, c.message.fault_struct.fault_string);
    putString(out, c.message.start_time);
    putString(out, c.message.complete_time);
  }
  for (const auto& s : d.scheduled_) {
    out += " S";
    putNumber(out, s.at_ms);
    putString(out, s.command_key);
  }
  if (d.notify_base_ms_ != d.boot_ms_) {
    out += " N";
    putNumber(out, d.notify_base_ms_);
  }
  for (const auto& b : d.du_) {
    out += " U";
    putString(out, b.command_key);
    for (const auto& op : b.operations) {
      out += " O ";
      out += op.kind;
      putNumber(out, op.done ? 1 : 0);
      putNumber(out, op.transfer);
      for (const auto* text : {&op.uuid, &op.version, &op.url, &op.username, &op.password,
                               &op.env_ref, &op.result.uuid, &op.result.deployment_unit_ref,
                               &op.result.version, &op.result.current_state}) {
        putString(out, *text);
      }
      putNumber(out, op.result.resolved ? 1 : 0);
      putString(out, op.result.execution_unit_ref_list);
      putString(out, op.result.start_time);
      putString(out, op.result.complete_time);
      putNumber(out, op.result.fault.fault_code);
      putString(out, op.result.fault.fault_string);
    }
  }
  return out;
}

Result<Device> DeviceAccess::load(const Profile& p, std::string_view text) {
  const auto& m = p.model();
  Reader r(text);
  auto magic = r.token();
  if (!magic || *magic != "cpesim1") return stateError("not a cpesim1 state line", 0);
  std::uint32_t index = 0;
  if (!r.number(index)) return stateError("bad device index", r.position());
  Device d(index);
  unsigned flags = 0;
  if (!r.number(flags) || flags > 255 || !r.number(d.boot_ms_) || !r.number(d.periodic_done_ms_) ||
      !r.number(d.retry_count_) || !r.time(d.retry_at_ms_, Device::kNever) ||
      !r.time(d.boot_at_ms_, Device::kNever) || !r.number(d.next_uid_) ||
      !r.number(d.next_transfer_id_) || !r.number(d.message_seq_) || !r.number(d.change_seq_) ||
      !r.string(d.parameter_key_)) {
    return stateError("bad header", r.position());
  }
  d.flags_ = static_cast<std::uint8_t>(flags);
  d.notify_base_ms_ = d.boot_ms_;  // unless an N record says otherwise
  std::set<std::uint32_t> uids;
  // A key is valid when it names a parameter (or, for counters, a table) of the template or
  // of an instance added earlier in the line.
  auto validKey = [&](const Device::Key& k, NodeKind want) {
    if (k.instance_uid == 0) return k.id < m.nodes().size() && m.kind(k.id) == want;
    if (!uids.contains(k.instance_uid) || k.id >= m.schema().size()) return false;
    if (m.schemaNode(k.id).kind != want) return false;
    const auto& added = *std::find_if(d.added_.begin(), d.added_.end(),
                                      [&](const auto& a) { return a.uid == k.instance_uid; });
    for (auto s = m.schemaNode(k.id).parent; s != kNoNode; s = m.schemaNode(s).parent) {
      if (s == added.schema) return true;
      if (m.schemaNode(s).kind == NodeKind::Instance) return false;
    }
    return false;
  };
  while (!r.done()) {
    std::size_t at = r.position();
    auto tag = r.token();
    if (!tag || tag->size() != 1) return stateError("unknown record", at);
    switch ((*tag)[0]) {
      case 'I': {
        Device::AddedInstance a;
        if (!r.number(a.uid) || !r.number(a.schema) || !r.string(a.path)) {
          return stateError("bad added instance", at);
        }
        if (a.uid == 0 || a.uid >= d.next_uid_ || !uids.insert(a.uid).second ||
            a.schema >= m.schema().size() || m.schemaNode(a.schema).kind != NodeKind::Instance) {
          return stateError("added instance " + a.path + " does not fit the profile", at);
        }
        std::string table = a.path.substr(0, a.path.rfind('.', a.path.size() - 2) + 1);
        auto ref = resolve(d, p, table);
        if (!ref || ref->kind != NodeKind::Table ||
            m.schemaNode(ref->schema).children.front() != a.schema ||
            resolve(d, p, a.path).has_value()) {
          return stateError("added instance " + a.path + " does not fit the profile", at);
        }
        d.added_.push_back(std::move(a));
        break;
      }
      case 'X': {
        std::uint32_t n = 0;
        if (!r.number(n) || n >= m.nodes().size() || m.kind(n) != NodeKind::Instance) {
          return stateError("bad deleted instance", at);
        }
        d.deleted_.push_back(n);
        break;
      }
      case 'C': {
        Device::InstanceCounter c;
        if (!r.number(c.table.instance_uid) || !r.number(c.table.id) || !r.number(c.next) ||
            !validKey(c.table, NodeKind::Table)) {
          return stateError("bad instance counter", at);
        }
        d.counters_.push_back(c);
        break;
      }
      case 'D': {
        Device::ValueDiff v;
        if (!r.number(v.key.instance_uid) || !r.number(v.key.id) || !r.string(v.value) ||
            !validKey(v.key, NodeKind::Parameter)) {
          return stateError("bad stored value", at);
        }
        d.diffs_.push_back(std::move(v));
        break;
      }
      case 'A': {
        Device::AttributeDiff a;
        unsigned n = 0;
        if (!r.number(a.key.instance_uid) || !r.number(a.key.id) || !r.number(n) || n > 6 ||
            !r.flag(a.subscriber) || !validKey(a.key, NodeKind::Parameter)) {
          return stateError("bad attributes", at);
        }
        a.notification = static_cast<std::uint8_t>(n);
        d.attributes_.push_back(a);
        break;
      }
      case 'V': {
        Device::Change c;
        if (!r.number(c.key.instance_uid) || !r.number(c.key.id) || !r.number(c.mark) ||
            !r.flag(c.active) || !validKey(c.key, NodeKind::Parameter)) {
          return stateError("bad value change", at);
        }
        d.changed_.push_back(c);
        break;
      }
      case 'E': {
        cwmp::EventStruct e;
        if (!r.string(e.event_code) || !r.string(e.command_key) || e.event_code.empty()) {
          return stateError("bad event", at);
        }
        d.events_.push_back(std::move(e));
        break;
      }
      case 'T': {
        TransferJob t;
        bool dl = false;
        bool sched = false;
        std::int64_t start = 0;
        std::int64_t deadline = 0;
        if (!r.number(t.id) || !r.flag(dl) || !r.flag(sched) || !r.number(t.state) || t.state < 1 ||
            t.state > 2 || !r.number(start) || !r.time(deadline, Device::kNever) ||
            !r.string(t.command_key) || !r.string(t.file_type) || !r.string(t.url) ||
            !r.string(t.username) || !r.string(t.password) || !r.number(t.file_size) ||
            !r.string(t.target_file_name)) {
          return stateError("bad transfer", at);
        }
        t.is_download = dl;
        t.scheduled = sched;
        t.start_at = fromMs(start);
        if (deadline != Device::kNever) t.deadline = fromMs(deadline);
        d.transfers_.push_back(std::move(t));
        break;
      }
      case 'Q': {
        Device::Completion c;
        if (!r.flag(c.is_download) || !r.flag(c.scheduled) || !r.string(c.message.command_key) ||
            !r.number(c.message.fault_struct.fault_code) ||
            !r.string(c.message.fault_struct.fault_string) || !r.string(c.message.start_time) ||
            !r.string(c.message.complete_time)) {
          return stateError("bad TransferComplete", at);
        }
        d.completions_.push_back(std::move(c));
        break;
      }
      case 'S': {
        Device::ScheduledInform s;
        if (!r.number(s.at_ms) || !r.string(s.command_key)) {
          return stateError("bad scheduled inform", at);
        }
        d.scheduled_.push_back(std::move(s));
        break;
      }
      case 'N': {
        if (!r.number(d.notify_base_ms_)) return stateError("bad notification baseline", at);
        break;
      }
      case 'U': {
        Device::DuBatch b;
        if (!r.string(b.command_key)) return stateError("bad ChangeDUState", at);
        d.du_.push_back(std::move(b));
        break;
      }
      case 'O': {
        Device::DuOperation op;
        auto kind = r.token();
        bool ok = !d.du_.empty() && kind && kind->size() == 1 &&
                  ((*kind)[0] == 'I' || (*kind)[0] == 'U' || (*kind)[0] == 'X') &&
                  r.flag(op.done) && r.number(op.transfer);
        for (auto* field : {&op.uuid, &op.version, &op.url, &op.username, &op.password, &op.env_ref,
                            &op.result.uuid, &op.result.deployment_unit_ref, &op.result.version,
                            &op.result.current_state}) {
          ok = ok && r.string(*field);
        }
        ok = ok && r.flag(op.result.resolved) && r.string(op.result.execution_unit_ref_list) &&
             r.string(op.result.start_time) && r.string(op.result.complete_time) &&
             r.number(op.result.fault.fault_code) && r.string(op.result.fault.fault_string);
        if (!ok || (op.done && op.transfer != 0))
          return stateError("bad ChangeDUState operation", at);
        op.kind = (*kind)[0];
        d.du_.back().operations.push_back(std::move(op));
        break;
      }
      default:
        return stateError("unknown record '" + std::string(*tag) + "'", at);
    }
  }
  // Every ChangeDUState has operations, and each waiting download is one of the transfers.
  for (const auto& b : d.du_) {
    if (b.operations.empty()) return stateError("ChangeDUState without operations", text.size());
    for (const auto& op : b.operations) {
      if (op.transfer == 0) continue;
      auto job = std::find_if(d.transfers_.begin(), d.transfers_.end(),
                              [&](const TransferJob& t) { return t.id == op.transfer; });
      if (job == d.transfers_.end()) {
        return stateError(
            "ChangeDUState operation waits for unknown transfer " + std::to_string(op.transfer),
            text.size());
      }
      job->du_operation = true;
    }
  }
  auto by_key = [](const auto& a, const auto& b) { return a.key < b.key; };
  std::sort(d.added_.begin(), d.added_.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::sort(d.deleted_.begin(), d.deleted_.end());
  std::sort(d.counters_.begin(), d.counters_.end(),
            [](const auto& a, const auto& b) { return a.table < b.table; });
  std::sort(d.diffs_.begin(), d.diffs_.end(), by_key);
  std::sort(d.attributes_.begin(), d.attributes_.end(), by_key);
  std::sort(d.changed_.begin(), d.changed_.end(), by_key);
  std::stable_sort(d.scheduled_.begin(), d.scheduled_.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  return d;
}

std::string Device::save() const { return DeviceAccess::save(*this); }

Result<Device> Device::load(const Profile& profile, std::string_view state) {
  return DeviceAccess::load(profile, state);
}

}  // namespace cpesim
