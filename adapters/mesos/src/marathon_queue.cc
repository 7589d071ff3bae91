// Marathon's /v2/queue read with simdjson's On-Demand API.
#include "marathon_queue.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simdjson.h"
#include "spotburst/internal/strict_json.h"

namespace spotburst::mesos {
namespace {

namespace od = simdjson::ondemand;

// Longest piece of the payload an error quotes.
constexpr size_t kQuoteBytes = 48;
// Above this a resource value is a mistake, not a machine (1e12 MiB is an
// exabyte); it also keeps count x ask finite.
constexpr double kMaxResource = 1e12;

std::string Quoted(std::string_view text) {
  return internal::JsonQuote(internal::Excerpt(text, kQuoteBytes));
}

bool IsValueError(simdjson::error_code error) {
  return error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR ||
         error == simdjson::NUMBER_OUT_OF_RANGE;
}

// Reads one item; every error names the item (index, kind and id) and the
// field path.
class ItemReader {
 public:
  explicit ItemReader(size_t index)
      : where_("queue[" + std::to_string(index) + "]") {}

  void SetWorkload(std::string_view kind, std::string_view id) {
    where_ += " (" + std::string(kind) + " " + Quoted(id) + ")";
  }

  absl::Status Error(std::string_view field, std::string_view what) const {
    return absl::InvalidArgumentError("/v2/queue: " + where_ + ": " +
                                      std::string(field) + ": " +
                                      std::string(what));
  }

  // For a simdjson error on `value` at `field`; `expected` names the type.
  absl::Status JsonError(std::string_view field, od::value& value,
                         simdjson::error_code error,
                         std::string_view expected) const {
    if (!IsValueError(error)) return Malformed(field, error);
    return Error(field, Describe(value) + " is not " + std::string(expected));
  }

  absl::Status Malformed(std::string_view field,
                         simdjson::error_code error) const {
    return Error(field, std::string("malformed JSON (") +
                            simdjson::error_message(error) + ")");
  }

  absl::Status Object(std::string_view field, od::value& value,
                      od::object* out) const {
    if (auto error = value.get_object().get(*out)) {
      return JsonError(field, value, error, "an object");
    }
    return absl::OkStatus();
  }

  absl::Status Array(std::string_view field, od::value& value,
                     od::array* out) const {
    if (auto error = value.get_array().get(*out)) {
      return JsonError(field, value, error, "an array");
    }
    return absl::OkStatus();
  }

  absl::Status String(std::string_view field, od::value& value,
                      std::string* out) const {
    std::string_view text;
    if (auto error = value.get_string().get(text)) {
      return JsonError(field, value, error, "a string");
    }
    *out = std::string(text);
    return absl::OkStatus();
  }

  absl::Status Bool(std::string_view field, od::value& value, bool* out) const {
    if (auto error = value.get_bool().get(*out)) {
      return JsonError(field, value, error, "true or false");
    }
    return absl::OkStatus();
  }

  // A finite number >= 0 and at most `max`.
  absl::Status Number(std::string_view field, od::value& value, double max,
                      double* out) const {
    double number = 0;
    if (auto error = value.get_double().get(number)) {
      if (error == simdjson::NUMBER_ERROR) {
        return Error(field, Describe(value) + " is not a finite number");
      }
      return JsonError(field, value, error, "a number");
    }
    if (!std::isfinite(number)) {
      return Error(field, Describe(value) + " is not a finite number");
    }
    if (number < 0) return Error(field, Describe(value) + " is negative");
    if (number > max) {
      return Error(field, Describe(value) + " is above " + Format(max));
    }
    *out = number;
    return absl::OkStatus();
  }

  // A whole number >= 0 and at most `max`.
  absl::Status Count(std::string_view field, od::value& value, int64_t max,
                     int64_t* out) const {
    int64_t number = 0;
    if (auto error = value.get_int64().get(number)) {
      return JsonError(field, value, error, "a whole number");
    }
    if (number < 0) return Error(field, Describe(value) + " is negative");
    if (number > max) {
      return Error(field, Describe(value) + " is above " + std::to_string(max));
    }
    *out = number;
    return absl::OkStatus();
  }

  // Whether `value` is JSON null (then it counts as absent).
  absl::StatusOr<bool> IsNull(std::string_view field, od::value& value) const {
    bool is_null = false;
    if (auto error = value.is_null().get(is_null)) {
      return Malformed(field, error);
    }
    return is_null;
  }

 private:
  static std::string Format(double value) {
    return std::to_string(static_cast<int64_t>(value));
  }

  // A short description of a value for an error: its text, cut short.
  static std::string Describe(od::value& value) {
    od::json_type type;
    if (value.type().get(type) == simdjson::SUCCESS) {
      if (type == od::json_type::object) return "an object";
      if (type == od::json_type::array) return "an array";
    }
    std::string_view raw = value.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' ||
                            raw.back() == '\r' || raw.back() == '\t')) {
      raw.remove_suffix(1);
    }
    return internal::Excerpt(raw, kQuoteBytes);
  }

  std::string where_;
};

// Calls `on_field(key, value)` for each field of `object`.
template <typename OnField>
absl::Status ForEachField(const ItemReader& reader, std::string_view path,
                          od::object& object, OnField on_field) {
  for (auto result : object) {
    od::field field;
    if (auto error = std::move(result).get(field)) {
      return reader.Malformed(path, error);
    }
    std::string_view key_view;
    if (auto error = field.unescaped_key().get(key_view)) {
      return reader.Malformed(path, error);
    }
    // The view dies with the next string read; keep a copy.
    const std::string key(key_view);
    od::value value = field.value();
    if (absl::Status status = on_field(key, value); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

// Calls `on_element(index, value)` for each element of `array`.
template <typename OnElement>
absl::Status ForEachElement(const ItemReader& reader, std::string_view path,
                            od::array& array, OnElement on_element) {
  size_t index = 0;
  for (auto result : array) {
    od::value value;
    if (auto error = std::move(result).get(value)) {
      return reader.Malformed(path, error);
    }
    if (absl::Status status = on_element(index, value); !status.ok()) {
      return status;
    }
    ++index;
  }
  return absl::OkStatus();
}

std::string Index(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string Member(std::string_view path, std::string_view key) {
  return std::string(path) + "." + std::string(key);
}

// {"cpus": .., "mem": .., "disk": .., "gpus": ..}, added to `*sum`.
// Sets the resource `key` names in `*resources` (a key given twice: the
// last counts); other keys are left alone.
absl::Status ReadResourceField(const ItemReader& reader, std::string_view path,
                               std::string_view key, od::value& value,
                               Resources* resources) {
  double* target = nullptr;
  if (key == "cpus") target = &resources->cpus;
  if (key == "mem") target = &resources->mem_mib;
  if (key == "disk") target = &resources->disk_mib;
  if (key == "gpus") target = &resources->gpus;
  if (target == nullptr) return absl::OkStatus();
  return reader.Number(Member(path, key), value, kMaxResource, target);
}

// {"cpus": .., "mem": .., "disk": .., "gpus": ..}, added to `*sum`.
absl::Status ReadResources(const ItemReader& reader, std::string_view path,
                           od::value& value, Resources* sum) {
  od::object object;
  if (absl::Status status = reader.Object(path, value, &object); !status.ok()) {
    return status;
  }
  Resources resources;
  absl::Status status = ForEachField(
      reader, path, object, [&](const std::string& key, od::value& field) {
        return ReadResourceField(reader, path, key, field, &resources);
      });
  *sum += resources;
  return status;
}

absl::Status ReadStrings(const ItemReader& reader, std::string_view path,
                         od::value& value, std::vector<std::string>* out) {
  od::array array;
  if (absl::Status status = reader.Array(path, value, &array); !status.ok()) {
    return status;
  }
  return ForEachElement(reader, path, array, [&](size_t i, od::value& item) {
    std::string text;
    if (absl::Status status = reader.String(Index(path, i), item, &text);
        !status.ok()) {
      return status;
    }
    out->push_back(std::move(text));
    return absl::OkStatus();
  });
}

// acceptedResourceRoles of an app or a pod's placement; null is absent.
absl::Status ReadAcceptedRoles(const ItemReader& reader, std::string_view path,
                               od::value& value, MarathonQueueItem* item) {
  absl::StatusOr<bool> is_null = reader.IsNull(path, value);
  if (!is_null.ok()) return is_null.status();
  if (*is_null) return absl::OkStatus();
  item->accepted_resource_roles.emplace();
  return ReadStrings(reader, path, value, &*item->accepted_resource_roles);
}

absl::Status CheckConstraint(const ItemReader& reader, std::string_view path,
                             const MarathonConstraint& constraint) {
  if (constraint.field.empty()) return reader.Error(path, "the field is empty");
  if (constraint.op.empty()) return reader.Error(path, "the operator is empty");
  return absl::OkStatus();
}

// An app's constraints: [["hostname", "UNIQUE"], ["rack", "CLUSTER", "1"]].
absl::Status ReadAppConstraints(const ItemReader& reader, std::string_view path,
                                od::value& value,
                                std::vector<MarathonConstraint>* out) {
  od::array array;
  if (absl::Status status = reader.Array(path, value, &array); !status.ok()) {
    return status;
  }
  return ForEachElement(reader, path, array, [&](size_t i, od::value& item) {
    const std::string item_path = Index(path, i);
    std::vector<std::string> parts;
    if (absl::Status status = ReadStrings(reader, item_path, item, &parts);
        !status.ok()) {
      return status;
    }
    if (parts.size() != 2 && parts.size() != 3) {
      return reader.Error(item_path, "has " + std::to_string(parts.size()) +
                                         " strings, not [field, operator] or "
                                         "[field, operator, value]");
    }
    MarathonConstraint constraint{.field = std::move(parts[0]),
                                  .op = std::move(parts[1])};
    if (parts.size() == 3) constraint.value = std::move(parts[2]);
    if (absl::Status status = CheckConstraint(reader, item_path, constraint);
        !status.ok()) {
      return status;
    }
    out->push_back(std::move(constraint));
    return absl::OkStatus();
  });
}

// A pod's constraints: [{"fieldName": .., "operator": .., "value": ..}].
absl::Status ReadPodConstraints(const ItemReader& reader, std::string_view path,
                                od::value& value,
                                std::vector<MarathonConstraint>* out) {
  od::array array;
  if (absl::Status status = reader.Array(path, value, &array); !status.ok()) {
    return status;
  }
  return ForEachElement(reader, path, array, [&](size_t i, od::value& item) {
    const std::string item_path = Index(path, i);
    od::object object;
    if (absl::Status status = reader.Object(item_path, item, &object);
        !status.ok()) {
      return status;
    }
    MarathonConstraint constraint;
    bool has_field = false, has_operator = false;
    absl::Status status = ForEachField(
        reader, item_path, object,
        [&](const std::string& key, od::value& field) -> absl::Status {
          const std::string field_path = Member(item_path, key);
          if (key == "fieldName") {
            has_field = true;
            return reader.String(field_path, field, &constraint.field);
          }
          if (key == "operator") {
            has_operator = true;
            return reader.String(field_path, field, &constraint.op);
          }
          if (key == "value") {
            absl::StatusOr<bool> is_null = reader.IsNull(field_path, field);
            if (!is_null.ok()) return is_null.status();
            if (*is_null) return absl::OkStatus();
            constraint.value.emplace();
            return reader.String(field_path, field, &*constraint.value);
          }
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    if (!has_field) return reader.Error(item_path, "fieldName is missing");
    if (!has_operator) return reader.Error(item_path, "operator is missing");
    if (status = CheckConstraint(reader, item_path, constraint); !status.ok()) {
      return status;
    }
    out->push_back(std::move(constraint));
    return absl::OkStatus();
  });
}

absl::Status ReadApp(const ItemReader& reader, od::value& value,
                     MarathonQueueItem* item) {
  od::object object;
  if (absl::Status status = reader.Object("app", value, &object);
      !status.ok()) {
    return status;
  }
  return ForEachField(
      reader, "app", object,
      [&](const std::string& key, od::value& field) -> absl::Status {
        const std::string path = Member("app", key);
        if (key == "id") return reader.String(path, field, &item->id);
        if (key == "constraints") {
          return ReadAppConstraints(reader, path, field, &item->constraints);
        }
        if (key == "acceptedResourceRoles") {
          return ReadAcceptedRoles(reader, path, field, item);
        }
        return ReadResourceField(reader, "app", key, field,
                                 &item->per_instance);
      });
}

// scheduling.placement of a pod: constraints and acceptedResourceRoles.
absl::Status ReadPodScheduling(const ItemReader& reader, od::value& value,
                               MarathonQueueItem* item) {
  od::object scheduling;
  if (absl::Status status = reader.Object("pod.scheduling", value, &scheduling);
      !status.ok()) {
    return status;
  }
  return ForEachField(
      reader, "pod.scheduling", scheduling,
      [&](const std::string& key, od::value& field) -> absl::Status {
        if (key != "placement") return absl::OkStatus();
        constexpr std::string_view kPath = "pod.scheduling.placement";
        od::object placement;
        if (absl::Status status = reader.Object(kPath, field, &placement);
            !status.ok()) {
          return status;
        }
        return ForEachField(
            reader, kPath, placement,
            [&](const std::string& key, od::value& field) -> absl::Status {
              const std::string path = Member(kPath, key);
              if (key == "constraints") {
                return ReadPodConstraints(reader, path, field,
                                          &item->constraints);
              }
              if (key == "acceptedResourceRoles") {
                return ReadAcceptedRoles(reader, path, field, item);
              }
              return absl::OkStatus();
            });
      });
}

absl::Status ReadPod(const ItemReader& reader, od::value& value,
                     MarathonQueueItem* item) {
  od::object object;
  if (absl::Status status = reader.Object("pod", value, &object);
      !status.ok()) {
    return status;
  }
  return ForEachField(
      reader, "pod", object,
      [&](const std::string& key, od::value& field) -> absl::Status {
        const std::string path = Member("pod", key);
        if (key == "id") return reader.String(path, field, &item->id);
        if (key == "containers") {
          od::array containers;
          if (absl::Status status = reader.Array(path, field, &containers);
              !status.ok()) {
            return status;
          }
          return ForEachElement(
              reader, path, containers, [&](size_t i, od::value& container) {
                const std::string container_path = Index(path, i);
                od::object object;
                if (absl::Status status =
                        reader.Object(container_path, container, &object);
                    !status.ok()) {
                  return status;
                }
                return ForEachField(
                    reader, container_path, object,
                    [&](const std::string& key, od::value& field) {
                      if (key != "resources") return absl::OkStatus();
                      return ReadResources(reader, Member(container_path, key),
                                           field, &item->per_instance);
                    });
              });
        }
        if (key == "executorResources") {
          absl::StatusOr<bool> is_null = reader.IsNull(path, field);
          if (!is_null.ok()) return is_null.status();
          if (*is_null) return absl::OkStatus();
          return ReadResources(reader, path, field, &item->per_instance);
        }
        if (key == "scheduling") return ReadPodScheduling(reader, field, item);
        return absl::OkStatus();
      });
}

absl::Status ReadDelay(const ItemReader& reader, od::value& value,
                       MarathonQueueItem* item) {
  od::object object;
  if (absl::Status status = reader.Object("delay", value, &object);
      !status.ok()) {
    return status;
  }
  return ForEachField(
      reader, "delay", object,
      [&](const std::string& key, od::value& field) -> absl::Status {
        if (key == "timeLeftSeconds") {
          // Marathon's backoff tops out at hours; a year is plenty.
          return reader.Number("delay.timeLeftSeconds", field,
                               365.0 * 24 * 3600, &item->delay_time_left_s);
        }
        if (key == "overdue") {
          return reader.Bool("delay.overdue", field, &item->delay_overdue);
        }
        return absl::OkStatus();
      });
}

absl::Status ReadOffersSummary(const ItemReader& reader, od::value& value,
                               ProcessedOffersSummary* summary) {
  constexpr std::string_view kPath = "processedOffersSummary";
  constexpr int64_t kMaxOffers = std::numeric_limits<int64_t>::max();
  od::object object;
  if (absl::Status status = reader.Object(kPath, value, &object);
      !status.ok()) {
    return status;
  }
  return ForEachField(
      reader, kPath, object,
      [&](const std::string& key, od::value& field) -> absl::Status {
        const std::string path = Member(kPath, key);
        if (key == "processedOffersCount") {
          return reader.Count(path, field, kMaxOffers,
                              &summary->processed_offers);
        }
        if (key == "unusedOffersCount") {
          return reader.Count(path, field, kMaxOffers, &summary->unused_offers);
        }
        if (key != "rejectSummaryLastOffers") return absl::OkStatus();
        od::array steps;
        if (absl::Status status = reader.Array(path, field, &steps);
            !status.ok()) {
          return status;
        }
        return ForEachElement(
            reader, path, steps, [&](size_t i, od::value& step) {
              const std::string step_path = Index(path, i);
              od::object object;
              if (absl::Status status = reader.Object(step_path, step, &object);
                  !status.ok()) {
                return status;
              }
              OfferRejects rejects;
              absl::Status status = ForEachField(
                  reader, step_path, object,
                  [&](const std::string& key,
                      od::value& field) -> absl::Status {
                    const std::string path = Member(step_path, key);
                    if (key == "reason") {
                      return reader.String(path, field, &rejects.reason);
                    }
                    if (key == "declined") {
                      return reader.Count(path, field, kMaxOffers,
                                          &rejects.declined);
                    }
                    if (key == "processed") {
                      return reader.Count(path, field, kMaxOffers,
                                          &rejects.processed);
                    }
                    return absl::OkStatus();
                  });
              if (!status.ok()) return status;
              summary->reject_summary_last_offers.push_back(std::move(rejects));
              return absl::OkStatus();
            });
      });
}

// Errors after which simdjson's iterator may still be used (a lookup that
// found nothing, a value of another type). After any other error the
// document is abandoned: touching it again dereferences a null parser.
bool IsRecoverable(simdjson::error_code error) {
  return error == simdjson::SUCCESS || error == simdjson::NO_SUCH_FIELD ||
         error == simdjson::INCORRECT_TYPE;
}

struct Workload {
  std::string kind;  // "app" or "pod"; empty when neither was found
  std::string id;    // empty when not found
  // The error that ended the search, when the item cannot be read further.
  simdjson::error_code fatal = simdjson::SUCCESS;
};

// The app's or pod's id, looked up before the item is read so that every
// error can name it. Leaves `item` to be reset, unless `fatal` is set.
Workload PeekWorkload(od::object& item) {
  for (std::string_view kind : {"app", "pod"}) {
    od::value workload;
    if (auto error = item.find_field_unordered(kind).get(workload)) {
      if (!IsRecoverable(error)) return {.fatal = error};
      if (auto reset = item.reset().error()) return {.fatal = reset};
      continue;
    }
    od::object object;
    std::string_view id;
    auto error = workload.get_object().get(object);
    if (!error) error = object.find_field_unordered("id").get_string().get(id);
    if (!IsRecoverable(error)) return {.fatal = error};
    return {.kind = std::string(kind), .id = std::string(id)};
  }
  return {};
}

absl::StatusOr<MarathonQueueItem> ReadItem(size_t index, od::value& value) {
  ItemReader reader(index);
  od::object object;
  if (absl::Status status = reader.Object("item", value, &object);
      !status.ok()) {
    return status;
  }
  const Workload workload = PeekWorkload(object);
  if (workload.fatal) return reader.Malformed("item", workload.fatal);
  if (!workload.id.empty()) reader.SetWorkload(workload.kind, workload.id);
  if (auto error = object.reset().error()) {
    return reader.Malformed("item", error);
  }

  MarathonQueueItem item;
  bool has_app = false, has_pod = false, has_count = false;
  absl::Status status = ForEachField(
      reader, "item", object,
      [&](const std::string& key, od::value& field) -> absl::Status {
        if (key == "app") {
          has_app = true;
          return ReadApp(reader, field, &item);
        }
        if (key == "pod") {
          has_pod = true;
          item.is_pod = true;
          return ReadPod(reader, field, &item);
        }
        if (key == "count") {
          has_count = true;
          int64_t count = 0;
          absl::Status status = reader.Count(
              "count", field, std::numeric_limits<int32_t>::max(), &count);
          item.count = static_cast<int>(count);
          return status;
        }
        if (key == "role") return reader.String("role", field, &item.role);
        if (key == "delay") return ReadDelay(reader, field, &item);
        if (key == "processedOffersSummary") {
          return ReadOffersSummary(reader, field, &item.offers.emplace());
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (has_app == has_pod) {
    return reader.Error(
        "item", has_app ? "has both app and pod" : "has neither app nor pod");
  }
  if (item.id.empty()) {
    return reader.Error(has_app ? "app.id" : "pod.id", "missing or empty");
  }
  if (!has_count) return reader.Error("count", "missing");
  return item;
}

absl::Status Malformed(simdjson::error_code error) {
  return absl::InvalidArgumentError(std::string("/v2/queue: malformed JSON (") +
                                    simdjson::error_message(error) + ")");
}

}  // namespace

absl::StatusOr<std::vector<MarathonQueueItem>> ParseMarathonQueue(
    std::string_view body) {
  // simdjson reads past the end of its input; this copy is padded.
  const simdjson::padded_string padded(body.data(), body.size());
  od::parser parser;
  od::document document;
  if (auto error = parser.iterate(padded).get(document)) {
    return Malformed(error);
  }
  od::object root;
  if (auto error = document.get_object().get(root)) {
    if (IsValueError(error)) {
      return absl::InvalidArgumentError(
          "/v2/queue: not a JSON object with a \"queue\" array");
    }
    return Malformed(error);
  }
  std::vector<MarathonQueueItem> items;
  bool has_queue = false;
  for (auto result : root) {
    od::field field;
    if (auto error = std::move(result).get(field)) return Malformed(error);
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return Malformed(error);
    if (key != "queue") continue;
    has_queue = true;
    items.clear();  // a repeated key: the last one counts
    od::array queue;
    if (auto error = field.value().get_array().get(queue)) {
      if (IsValueError(error)) {
        return absl::InvalidArgumentError("/v2/queue: queue is not an array");
      }
      return Malformed(error);
    }
    size_t index = 0;
    for (auto element : queue) {
      od::value value;
      if (auto error = std::move(element).get(value)) {
        return absl::InvalidArgumentError(
            "/v2/queue: queue[" + std::to_string(index) +
            "]: malformed JSON (" + simdjson::error_message(error) + ")");
      }
      absl::StatusOr<MarathonQueueItem> item = ReadItem(index, value);
      if (!item.ok()) return item.status();
      items.push_back(*std::move(item));
      ++index;
    }
  }
  // Past the last token there is no location: anything else is left over.
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return absl::InvalidArgumentError(
        "/v2/queue: malformed JSON (text after the end of the object)");
  }
  if (!has_queue) {
    return absl::InvalidArgumentError("/v2/queue: \"queue\" is missing");
  }
  return items;
}

}  // namespace spotburst::mesos
