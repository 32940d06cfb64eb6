// ConnectionPool: a bounded set of libpqxx connections shared by threads.
//
//   ConnectionPool pool({.url = url, .max_connections = 16, .on_connect = PrepareAll});
//   absl::StatusOr<int64_t> n = pool.Transact([&](pqxx::work& tx) -> absl::StatusOr<int64_t> {
//     return tx.exec_prepared1("count").front().as<int64_t>();
//   });
//   // One statement, atomic on its own: no BEGIN/COMMIT round trips.
//   absl::StatusOr<int64_t> m = pool.Query(
//       ConnectionPool::Rerun::kAlways,
//       [&](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
//         return tx.exec_prepared1("count").front().as<int64_t>();
//       });
//
// Connections open lazily up to max_connections; a caller waits up to
// acquire_timeout for a free one (then kUnavailable). Waiting callers are
// served first come, first served: a returned connection goes straight to the
// oldest waiter, which is the only thread woken, so a thread that arrives
// meanwhile cannot take it and nobody waits out a burst of newer callers.
// Lost connections are dropped and replaced. Thread-safe. Internal to
// persistence/postgres/.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_POOL_H_
#define STEPWISE_PERSISTENCE_POSTGRES_POOL_H_

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "persistence/postgres/pqxx_status.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "pqxx/transaction"

namespace stepwise::persistence {

struct ConnectionPoolOptions {
  std::string url;  // libpq connection string or URI.
  int max_connections = 16;
  absl::Duration acquire_timeout = absl::Seconds(10);
  // Runs once on every new connection (e.g. to prepare statements); may throw.
  std::function<void(pqxx::connection&)> on_connect;
};

class ConnectionPool {
 public:
  // A connection borrowed from the pool; returns it on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() const { return *connection_; }
    pqxx::connection* operator->() const { return connection_.get(); }
    // The connection is broken: close it instead of returning it.
    void Discard() { connection_.reset(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection);
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  explicit ConnectionPool(ConnectionPoolOptions options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();  // All leases must have been returned.

  // kUnavailable when no connection frees up in time or the server refuses.
  absl::StatusOr<Lease> Acquire();

  // How many callers of Acquire wait for their turn now.
  int waiting();
  int max_connections() const { return options_.max_connections; }

  // Runs `body(tx)` in one READ COMMITTED transaction, committing when it
  // returns OK and rolling back otherwise. Exceptions become FromPqxx. A
  // connection found lost before the commit was sent is replaced and `body`
  // re-run (it must only touch the database and its locals), so a server
  // restart costs the caller nothing.
  template <typename Body>
  std::invoke_result_t<Body&, pqxx::work&> Transact(Body&& body);

  // When Query may re-run its body on a new connection after losing one.
  enum class Rerun {
    // Whenever the connection is lost: reads, and writes whose re-run is
    // answered correctly.
    kAlways,
    // Only when the connection was found lost before anything was sent: a
    // write that must not apply twice. Lost while the statement ran, the
    // call fails with kUnavailable (it may or may not have taken effect).
    kIfUnsent,
  };

  // Runs `body(tx)` on a pqxx::nontransaction: every statement commits on
  // its own (autocommit), so one statement costs one round trip, without
  // Transact's BEGIN and COMMIT. For work that is ONE statement (a read, a
  // single UPDATE, a PL/pgSQL function call), or whose later statements only
  // explain the first one's empty answer. Exceptions become FromPqxx. A
  // pooled connection the server has closed (restart, idle timeout) is
  // noticed before sending, without a round trip, and replaced.
  template <typename Body>
  std::invoke_result_t<Body&, pqxx::nontransaction&> Query(Rerun rerun, Body&& body);

 private:
  void Return(std::unique_ptr<pqxx::connection> connection);
  // True when the idle connection has something to read: a healthy idle
  // connection (pooled ones LISTEN to nothing) receives nothing, so this is
  // the server's goodbye (FATAL + EOF) waiting in the socket. One poll(2)
  // with no timeout; no round trip.
  static bool ClosedByServer(const pqxx::connection& connection);

  const ConnectionPoolOptions options_;
  // std::mutex rather than absl::Mutex: Debian's Abseil is not built for
  // ThreadSanitizer, which then cannot see absl::Mutex's synchronization.
  // A caller of Acquire waiting its turn (on its own stack).
  struct Waiter {
    std::condition_variable served_cv;
    bool served = false;
    // What it was given: a connection, or none and the right to open one
    // (a slot freed by a closed connection; open_ still counts it).
    std::unique_ptr<pqxx::connection> connection;
  };
  // Opens a connection in a slot open_ already counts; gives the slot back
  // (to the next waiter) when that fails.
  absl::StatusOr<Lease> Open();

  std::mutex mu_;
  // Guarded by mu_:
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::deque<Waiter*> waiters_;  // Oldest first.
  int open_ = 0;                 // Idle + leased + being opened.
};

template <typename Body>
std::invoke_result_t<Body&, pqxx::work&> ConnectionPool::Transact(Body&& body) {
  // Every pooled connection may have died with the server: try each once.
  const int attempts = options_.max_connections + 1;
  absl::Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    absl::StatusOr<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    bool committing = false;
    try {
      pqxx::work tx(**lease);
      auto result = body(tx);
      if (result.ok()) {
        committing = true;
        tx.commit();
      }
      return result;
    } catch (const std::exception& e) {
      last = FromPqxx(e);
      if (!IsConnectionLost(e)) return last;
      lease->Discard();
      if (committing) return last;  // The commit may or may not have happened.
    }
  }
  return last;
}

template <typename Body>
std::invoke_result_t<Body&, pqxx::nontransaction&> ConnectionPool::Query(Rerun rerun, Body&& body) {
  // Every pooled connection may have died with the server: try each once.
  const int attempts = options_.max_connections + 1;
  absl::Status last = absl::UnavailableError("Database connection lost");
  for (int attempt = 0; attempt < attempts; ++attempt) {
    absl::StatusOr<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    if (ClosedByServer(**lease)) {
      lease->Discard();
      continue;
    }
    try {
      pqxx::nontransaction tx(**lease);
      return body(tx);
    } catch (const std::exception& e) {
      last = FromPqxx(e);
      if (!IsConnectionLost(e)) return last;
      lease->Discard();
      if (rerun == Rerun::kIfUnsent) return last;
    }
  }
  return last;
}

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_POOL_H_
