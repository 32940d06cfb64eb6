# Small wrappers so every layer target is built the same way:
#   stepwise_cc_library(NAME asl SRCS a.cc HDRS a.h DEPS PUBLIC ... PRIVATE ...)
#     -> target stepwise_asl, alias stepwise::asl
#   stepwise_cc_test(NAME asl_test SRCS a_test.cc DEPS stepwise::asl LABELS unit)
#   stepwise_cc_binary(NAME stepwise SRCS main.cc DEPS ...)

set(STEPWISE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(STEPWISE_WERROR)
  list(APPEND STEPWISE_WARNINGS -Werror)
endif()

if(STEPWISE_SANITIZE)
  add_compile_options(-fsanitize=${STEPWISE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${STEPWISE_SANITIZE})
endif()

function(_stepwise_common target)
  target_compile_options(${target} PRIVATE ${STEPWISE_WARNINGS})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}>)
endfunction()

function(stepwise_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target stepwise_${ARG_NAME})
  if(ARG_SRCS)
    add_library(${target} STATIC ${ARG_SRCS} ${ARG_HDRS})
    _stepwise_common(${target})
    target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  else()
    add_library(${target} INTERFACE ${ARG_HDRS})
    target_include_directories(${target} INTERFACE
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
    target_link_libraries(${target} INTERFACE ${ARG_PUBLIC_DEPS})
  endif()
  add_library(stepwise::${ARG_NAME} ALIAS ${target})
endfunction()

function(stepwise_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  _stepwise_common(${ARG_NAME})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} ${STEPWISE_ALLOCATOR_LIBS})
endfunction()

# Tests are GoogleTest binaries registered with ctest through gtest_discover_tests,
# so ctest reports one result per test case. LABELS: unit | integration | e2e.
function(stepwise_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  _stepwise_common(${ARG_NAME})
  # Tests link the executables' allocator so they run the code as shipped.
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main
                        ${STEPWISE_ALLOCATOR_LIBS})
  include(GoogleTest)
  gtest_discover_tests(${ARG_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
