#include "persistence/postgres/pool.h"

#include <poll.h>

#include <algorithm>

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
  Waiter waiter;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (waiters_.empty()) {  // Nobody is ahead: take what is free.
      if (!idle_.empty()) {
        std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(connection));
      }
      if (open_ < options_.max_connections) {
        ++open_;  // Reserve the slot; connect without holding the lock.
        lock.unlock();
        return Open();
      }
    }
    waiters_.push_back(&waiter);
    if (!waiter.served_cv.wait_for(lock, absl::ToChronoNanoseconds(options_.acquire_timeout),
                                   [&waiter] { return waiter.served; })) {
      // Not served: still queued (Return dequeues whom it serves).
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
      return absl::UnavailableError(StrCat("No database connection free after ",
                                           absl::FormatDuration(options_.acquire_timeout)));
    }
  }
  if (waiter.connection != nullptr) return Lease(this, std::move(waiter.connection));
  return Open();  // Given the slot of a connection that closed.
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Open() {
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
    Return(nullptr);  // The slot: the next waiter tries its own connection.
    return status;
  }
  return Lease(this, std::move(connection));
}

int ConnectionPool::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(waiters_.size());
}

bool ConnectionPool::ClosedByServer(const pqxx::connection& connection) {
  const int fd = connection.sock();
  if (fd < 0) return false;  // Not connected: libpqxx reconnects on use.
  pollfd ready{fd, POLLIN, 0};
  return ::poll(&ready, 1, 0) > 0;
}

void ConnectionPool::Return(std::unique_ptr<pqxx::connection> connection) {
  if (connection != nullptr && !connection->is_open()) connection.reset();
  std::lock_guard<std::mutex> lock(mu_);
  if (!waiters_.empty()) {
    // Straight to the oldest waiter, the connection or (closed) its slot.
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->served = true;
    next->connection = std::move(connection);
    // Under the lock: once it sees `served` the waiter returns and its
    // condition variable is gone.
    next->served_cv.notify_one();
    return;
  }
  if (connection != nullptr) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
}

}  // namespace stepwise::persistence
