// Statistics a module produces, declared once: a list macro names each counter with its unit and
// one-line description, and NGPC_STAT_BLOCK turns the list into a plain struct of counters with
// the arithmetic every block needs (sum over NFPs, difference, visit with name/unit/description).
// Adding a counter to a list is the whole change: sums, reports and the stats reference follow.
//
//   #define NGPC_MY_STATS(X) X(reads, "", "reads served") X(bytes, "B", "bytes moved")
//   NGPC_STAT_BLOCK(MyStats, uint64_t, NGPC_MY_STATS)
#pragma once

#include <cstdint>

namespace ngpc {

struct StatInfo {
  const char* name;
  const char* unit;  // "" for counts
  const char* description;
};

}  // namespace ngpc

#define NGPC_STAT_FIELD_(name, unit, desc) value_type name = 0;
#define NGPC_STAT_ADD_(name, unit, desc) name += o.name;
#define NGPC_STAT_SUB_(name, unit, desc) d.name -= o.name;
#define NGPC_STAT_VISIT_(name, unit, desc) f(::ngpc::StatInfo{#name, unit, desc}, name);
#define NGPC_STAT_COUNT_(name, unit, desc) +1

#define NGPC_STAT_BLOCK(Block, Type, LIST)                                               \
  struct Block {                                                                         \
    using value_type = Type;                                                             \
    LIST(NGPC_STAT_FIELD_)                                                               \
    static constexpr int kCount = 0 LIST(NGPC_STAT_COUNT_);                              \
    Block& operator+=(const Block& o) {                                                  \
      LIST(NGPC_STAT_ADD_)                                                               \
      return *this;                                                                      \
    }                                                                                    \
    Block operator-(const Block& o) const {                                              \
      Block d = *this;                                                                   \
      LIST(NGPC_STAT_SUB_)                                                               \
      return d;                                                                          \
    }                                                                                    \
    /* f(StatInfo, value) for every counter, in declaration order. */                    \
    template <class F>                                                                   \
    void visit(F&& f) const {                                                            \
      LIST(NGPC_STAT_VISIT_)                                                             \
    }                                                                                    \
  };
