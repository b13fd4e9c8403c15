// fixnet against PyTorch's golden values in double (tests/golden_checks.hpp says what is checked): the
// softmax, sigmoid and regression networks on both backends. The other element type is in
// tests/test_golden_float.cpp.
#include <doctest/doctest.h>

#include "golden_checks.hpp"

namespace test_golden_double {

TEST_CASE_TEMPLATE(golden_test_name, C, config<softmax_case, fixnet::scalar_backend, double>, config<softmax_case, fixnet::simd_backend, double>,
                   config<sigmoid_case, fixnet::scalar_backend, double>, config<sigmoid_case, fixnet::simd_backend, double>,
                   config<regression_case, fixnet::scalar_backend, double>, config<regression_case, fixnet::simd_backend, double>) {
    check_golden_configuration<C>();
}

}  // namespace test_golden_double
