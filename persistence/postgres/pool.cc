#include "persistence/postgres/pool.h"

#include <poll.h>

#include "common/str_cat.h"

namespace stepwise::persistence {

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(connection_));
}

ConnectionPool::ConnectionPool(ConnectionPoolOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto available = [this] { return !idle_.empty() || open_ < options_.max_connections; };
    if (!freed_.wait_for(lock, absl::ToChronoNanoseconds(options_.acquire_timeout), available)) {
      return absl::UnavailableError(StrCat("No database connection free after ",
                                           absl::FormatDuration(options_.acquire_timeout)));
    }
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // Reserve the slot; connect without holding the lock.
  }
  std::unique_ptr<pqxx::connection> connection;
  absl::Status status;
  try {
    connection = std::make_unique<pqxx::connection>(options_.url);
  } catch (const std::exception& e) {
    // Whatever stops a connection from opening means "cannot reach the database".
    status = absl::UnavailableError(StrCat("Cannot connect to the database: ", e.what()));
  }
  if (status.ok() && options_.on_connect) {
    try {
      options_.on_connect(*connection);
    } catch (const std::exception& e) {
      status = FromPqxx(e);
    }
  }
  if (!status.ok()) {
    connection.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
    }
    freed_.notify_one();
    return status;
  }
  return Lease(this, std::move(connection));
}

bool ConnectionPool::ClosedByServer(const pqxx::connection& connection) {
  const int fd = connection.sock();
  if (fd < 0) return false;  // Not connected: libpqxx reconnects on use.
  pollfd ready{fd, POLLIN, 0};
  return ::poll(&ready, 1, 0) > 0;
}

void ConnectionPool::Return(std::unique_ptr<pqxx::connection> connection) {
  if (connection != nullptr && !connection->is_open()) connection.reset();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (connection != nullptr) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  freed_.notify_one();
}

}  // namespace stepwise::persistence
