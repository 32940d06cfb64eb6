// PickFreePort: a TCP port on 127.0.0.1 that was free a moment ago, for a
// server that must listen on a port known before it starts (the embedded
// PostgreSQL; test servers started again on the same port after a restart,
// or after a client). Another process may take the port before the server
// binds it: servers that can, should listen on port 0 and report the port
// they got instead.
//
//   absl::StatusOr<int> port = PickFreePort();
//   ASSERT_THAT(port, IsOk());
//   FakeOrchestrator later(*port);
#ifndef STEPWISE_COMMON_FREE_PORT_H_
#define STEPWISE_COMMON_FREE_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stepwise {

// Binds 127.0.0.1:0, reads the port the kernel chose and releases it.
// kInternal (with errno's text) when no socket can be bound.
inline absl::StatusOr<int> PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return absl::InternalError("binding 127.0.0.1:0: " + error);
  }
  close(fd);
  return static_cast<int>(ntohs(address.sin_port));
}

}  // namespace stepwise

#endif  // STEPWISE_COMMON_FREE_PORT_H_
