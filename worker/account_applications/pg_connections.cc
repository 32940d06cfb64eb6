#include "worker/account_applications/pg_connections.h"

#include <chrono>
#include <exception>
#include <utility>

#include "absl/status/statusor.h"
#include "common/str_cat.h"
#include "worker/account_applications/pg_status.h"

namespace stepwise::account_applications {

PgConnections::PgConnections(std::string url, int max_connections, absl::Duration acquire_timeout)
    : url_(std::move(url)),
      max_connections_(max_connections < 1 ? 1 : max_connections),
      acquire_timeout_(acquire_timeout) {}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgConnections::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    const bool ready = available_.wait_for(lock, absl::ToChronoNanoseconds(acquire_timeout_), [&] {
      return !idle_.empty() || open_ < max_connections_;
    });
    if (!ready) {
      return absl::UnavailableError(StrCat("No free database connection within ",
                                           absl::FormatDuration(acquire_timeout_), " (all ",
                                           max_connections_, " busy)"));
    }
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
  }
  // Connect outside the lock: it can take a while.
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (const std::exception& e) {
    Release(nullptr);
    return StatusFromPqxx(e);
  }
}

void PgConnections::Release(std::unique_ptr<pqxx::connection> connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (connection != nullptr) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

absl::Status PgConnections::Transact(const std::function<absl::Status(pqxx::work&)>& body) {
  constexpr int kAttempts = 2;
  absl::Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    absl::StatusOr<std::unique_ptr<pqxx::connection>> connection = Acquire();
    if (!connection.ok()) return connection.status();
    try {
      pqxx::work tx(**connection);
      status = body(tx);
      if (status.ok()) tx.commit();  // Otherwise tx's destructor rolls back.
      Release(*std::move(connection));
      return status;
    } catch (const std::exception& e) {
      const bool lost = !(*connection)->is_open() || IsRetryableConnectionLoss(e);
      Release(lost ? nullptr : *std::move(connection));
      status = StatusFromPqxx(e);
      if (!IsRetryableConnectionLoss(e)) return status;
    }
  }
  return status;
}

}  // namespace stepwise::account_applications
