#include "models/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ngpc {
namespace {

thread_local bool t_in_pool = false;

unsigned default_threads() {
  if (const char* e = std::getenv("NGPC_THREADS")) {
    const long v = std::strtol(e, nullptr, 10);
    if (v >= 1 && v <= 256) return static_cast<unsigned>(v);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// Workers wait for a job generation; each job hands out indices through an atomic counter.
class Pool {
 public:
  explicit Pool(unsigned threads) {
    for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // `then`, when given: see parallel_for_ordered.
  void run(size_t n, const std::function<void(size_t)>& fn,
           const std::function<void(size_t)>* then = nullptr) {
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = &fn;
      n_ = n;
      next_.store(0);
      ready_.reset(then ? new std::atomic<bool>[n] : nullptr);
      if (then)
        for (size_t i = 0; i < n; ++i) ready_[i].store(false);
      active_ = static_cast<unsigned>(workers_.size());
      ++generation_;
    }
    cv_.notify_all();
    t_in_pool = true;
    std::exception_ptr then_error;
    size_t then_index = SIZE_MAX;
    if (then) {
      then_error = follow(*then, &then_index);
    } else {
      drain();
    }
    t_in_pool = false;
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [this] { return active_ == 0; });
    fn_ = nullptr;
    ready_.reset();
    // The first failure a serial loop would meet: the lowest-numbered piece's exception,
    // whichever thread ran it (the same error for any thread count), or a then's before it.
    std::exception_ptr e = then_index <= error_index_ ? then_error : error_;
    error_ = nullptr;
    error_index_ = SIZE_MAX;
    if (e) std::rethrow_exception(e);
  }

 private:
  void one(size_t i) {
    try {
      (*fn_)(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_m_);
      if (i < error_index_) {
        error_index_ = i;
        error_ = std::current_exception();
      }
    }
    if (ready_) {
      ready_[i].store(true);
      // Under the lock, so a caller between its check and its wait cannot miss it.
      std::lock_guard<std::mutex> lock(ready_m_);
      ready_cv_.notify_one();
    }
  }
  void drain() {
    for (size_t i = next_.fetch_add(1); i < n_; i = next_.fetch_add(1)) one(i);
  }
  // The calling thread's part of an ordered job: then(k) in order as piece k is ready, pieces of
  // fn while it is not. Returns then's exception (index in *at), stopping at the first failure.
  std::exception_ptr follow(const std::function<void(size_t)>& then, size_t* at) {
    for (size_t k = 0; k < n_; ++k) {
      while (!ready_[k].load()) {
        const size_t i = next_.fetch_add(1);
        if (i < n_) {
          one(i);
          continue;
        }
        std::unique_lock<std::mutex> lock(ready_m_);
        ready_cv_.wait(lock, [&] { return ready_[k].load(); });
      }
      {
        std::lock_guard<std::mutex> lock(error_m_);
        if (error_index_ <= k) break;  // a serial loop stopped at fn(error_index_)
      }
      try {
        then(k);
      } catch (...) {
        *at = k;
        next_.store(n_);  // no more pieces are started
        return std::current_exception();
      }
    }
    drain();  // pieces nobody started yet, when it stopped early
    return nullptr;
  }
  void work() {
    t_in_pool = true;
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      drain();
      std::lock_guard<std::mutex> lock(m_);
      if (--active_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable cv_, done_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  unsigned active_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::unique_ptr<std::atomic<bool>[]> ready_;  // ordered jobs: piece i has run
  std::mutex ready_m_;
  std::condition_variable ready_cv_;
  std::mutex error_m_;
  std::exception_ptr error_;
  size_t error_index_ = SIZE_MAX;
};

std::mutex g_pool_mutex;  // one parallel_for at a time uses the pool; others run inline
std::unique_ptr<Pool>& pool() {
  static std::unique_ptr<Pool> p;
  return p;
}
unsigned g_threads = 0;

}  // namespace

void set_host_threads(unsigned n) {
  std::lock_guard<std::mutex> lock(g_pool_mutex);
  g_threads = n == 0 ? default_threads() : n;
  pool().reset();
}

unsigned host_threads() {
  std::lock_guard<std::mutex> lock(g_pool_mutex);
  if (g_threads == 0) g_threads = default_threads();
  return g_threads;
}

namespace {

void run_pieces(size_t n, const std::function<void(size_t)>& fn,
                const std::function<void(size_t)>* then) {
  if (n == 0) return;
  std::unique_lock<std::mutex> lock(g_pool_mutex, std::try_to_lock);
  if (g_threads == 0 && lock.owns_lock()) g_threads = default_threads();
  if (t_in_pool || !lock.owns_lock() || n == 1 || g_threads <= 1) {
    for (size_t i = 0; i < n; ++i) {
      fn(i);
      if (then) (*then)(i);
    }
    return;
  }
  if (!pool() || pool()->size() != g_threads) pool() = std::make_unique<Pool>(g_threads);
  pool()->run(n, fn, then);
}

}  // namespace

void parallel_for(size_t n, const std::function<void(size_t)>& fn) {
  run_pieces(n, fn, nullptr);
}

void parallel_for_ordered(size_t n, const std::function<void(size_t)>& fn,
                          const std::function<void(size_t)>& then) {
  run_pieces(n, fn, &then);
}

}  // namespace ngpc
