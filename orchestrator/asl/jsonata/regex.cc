#include "orchestrator/asl/jsonata/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 16
#include <pcre2.h>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/js_pattern.h"
#include "orchestrator/asl/jsonata/utf.h"

namespace stepwise::jsonata::internal {
namespace {

// Budget: ~15-35 ns a step (JIT / interpreter), so a 1,000,000-unit subject
// may take 17M steps, a quarter to half a second, and a short one 1M.
constexpr uint64_t kBaseSteps = 1'000'000;
constexpr uint64_t kStepsPerUnit = 16;
// The interpreter keeps its backtracking frames on the heap, up to this.
constexpr uint32_t kHeapLimitKib = 64 * 1024;
// JIT code starts on a 32 KiB stack of PCRE2's and, if that is not enough,
// retries on a heap-allocated one of up to this size.
constexpr size_t kJitStackBytes = 64 << 20;

// PCRE2 calls this before every pattern item (PCRE2_AUTO_CALLOUT). A step
// costs 1 plus the distance the subject position moved since the previous
// one, so scans that PCRE2 does within one item are charged too. This is
// what bounds a whole search: PCRE2's own match limit restarts at every
// start position.
int ChargeStep(pcre2_callout_block* block, void* data) {
  auto& budget = *static_cast<JsRegex::Budget*>(data);
  size_t p = block->current_position;
  uint64_t cost =
      1 + (p > budget.last_position ? p - budget.last_position : budget.last_position - p);
  budget.last_position = p;
  if (cost > budget.steps_left) {
    budget.steps_left = 0;
    return PCRE2_ERROR_MATCHLIMIT;
  }
  budget.steps_left -= cost;
  return 0;
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using MatchData =
    std::unique_ptr<pcre2_match_data, Deleter<pcre2_match_data, pcre2_match_data_free>>;
using MatchContext =
    std::unique_ptr<pcre2_match_context, Deleter<pcre2_match_context, pcre2_match_context_free>>;
using JitStack = std::unique_ptr<pcre2_jit_stack, Deleter<pcre2_jit_stack, pcre2_jit_stack_free>>;

}  // namespace

JsRegex::Budget::Budget(size_t subject_units)
    : steps_left(kBaseSteps + kStepsPerUnit * static_cast<uint64_t>(subject_units)) {}

std::shared_ptr<const JsRegex> JsRegex::Compile(std::string_view pattern, std::string_view flags) {
  std::optional<std::u16string> translated = TranslateJsPattern(ToUtf16Units(pattern), flags);
  if (!translated) return nullptr;
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(
      reinterpret_cast<PCRE2_SPTR>(translated->data()), translated->size(),
      PCRE2_AUTO_CALLOUT | PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &error,
      &error_offset, nullptr);
  if (code == nullptr) return nullptr;
  // Without JIT support (or executable memory) the interpreter runs instead.
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  std::shared_ptr<JsRegex> re(new JsRegex);
  re->code_ = code;
  re->source_ = std::string(pattern);
  return re;
}

JsRegex::~JsRegex() { pcre2_code_free(code_); }

absl::StatusOr<std::optional<JsRegex::Match>> JsRegex::Search(const std::u16string& subject,
                                                              size_t from, Budget& budget) const {
  MatchData data(pcre2_match_data_create_from_pattern(code_, nullptr));
  MatchContext context(pcre2_match_context_create(nullptr));
  if (data == nullptr || context == nullptr) return absl::ResourceExhaustedError("out of memory");
  pcre2_set_heap_limit(context.get(), kHeapLimitKib);
  const Budget before = budget;
  budget.last_position = from;
  pcre2_set_callout(context.get(), ChargeStep, &budget);
  auto subject_ptr = reinterpret_cast<PCRE2_SPTR>(subject.data());
  int rc = pcre2_match(code_, subject_ptr, subject.size(), from, 0, data.get(), context.get());
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    JitStack stack(pcre2_jit_stack_create(32 << 10, kJitStackBytes, nullptr));
    if (stack != nullptr) {
      budget = before;
      budget.last_position = from;
      pcre2_jit_stack_assign(context.get(), nullptr, stack.get());
      rc = pcre2_match(code_, subject_ptr, subject.size(), from, 0, data.get(), context.get());
    }
  }
  if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
      rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_NOMEMORY) {
    budget.steps_left = 0;  // the subject's other searches would fail too
    return absl::ResourceExhaustedError(
        StrCat("too complex for an input of ", subject.size(), " characters"));
  }
  if (rc < 0) return absl::InternalError(StrCat("PCRE2 match error ", rc));
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
  uint32_t captures = 0;
  pcre2_pattern_info(code_, PCRE2_INFO_CAPTURECOUNT, &captures);
  Match match;
  match.start = ovector[0];
  match.end = ovector[1];
  for (uint32_t g = 1; g <= captures; ++g) {
    PCRE2_SIZE start = ovector[2 * g], end = ovector[2 * g + 1];
    match.groups.push_back(g < static_cast<uint32_t>(rc) && start != PCRE2_UNSET
                               ? std::optional(subject.substr(start, end - start))
                               : std::nullopt);
  }
  return match;
}

absl::StatusOr<std::optional<TextMatch>> SearchText(const JsRegex& re, std::string_view subject) {
  std::u16string units = ToUtf16Units(subject);
  JsRegex::Budget budget(units.size());
  absl::StatusOr<std::optional<JsRegex::Match>> m = re.Search(units, 0, budget);
  if (!m.ok()) return m.status();
  if (!m->has_value()) return std::nullopt;
  const JsRegex::Match& match = **m;
  TextMatch out;
  out.text =
      FromUtf16Units(std::u16string_view(units).substr(match.start, match.end - match.start));
  for (const std::optional<std::u16string>& g : match.groups) {
    out.groups.push_back(g ? std::optional(FromUtf16Units(*g)) : std::nullopt);
  }
  return out;
}

}  // namespace stepwise::jsonata::internal
