// PgConnections: a bounded set of libpqxx connections to one database,
// shared by the gRPC handlers and the task handlers of one process.
//
//   PgConnections connections(url, /*max_connections=*/4);
//   absl::Status status = connections.Transact([&](pqxx::work& tx) {
//     tx.exec_params("UPDATE ...", id);
//     return absl::OkStatus();
//   });
//
// Connections open lazily; a caller waits up to acquire_timeout for a free
// one (then kUnavailable). Thread-safe. Internal to this service's store.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_PG_CONNECTIONS_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_PG_CONNECTIONS_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pqxx/connection"
#include "pqxx/transaction"

namespace stepwise::account_applications {

class PgConnections {
 public:
  PgConnections(std::string url, int max_connections,
                absl::Duration acquire_timeout = absl::Seconds(10));
  PgConnections(const PgConnections&) = delete;
  PgConnections& operator=(const PgConnections&) = delete;

  // Runs `body` in a read-write transaction and commits it when `body`
  // returns OK (a non-OK status rolls back and is returned). libpqxx
  // exceptions from `body` or the commit become a Status (pg_status.h).
  // When the connection turns out to be lost before anything committed, the
  // whole transaction runs once more on a fresh connection, so `body` must
  // only touch the database and its own outputs.
  absl::Status Transact(const std::function<absl::Status(pqxx::work&)>& body);

 private:
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  void Release(std::unique_ptr<pqxx::connection> connection);  // nullptr: it was lost.

  const std::string url_;
  const int max_connections_;
  const absl::Duration acquire_timeout_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // Guarded by mu_.
  int open_ = 0;  // Connections open or being opened, idle or leased. Guarded by mu_.
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_PG_CONNECTIONS_H_
