// fixnet against PyTorch's golden values in float (tests/golden_checks.hpp says what is checked): the
// softmax, sigmoid and regression networks on both backends. The other element type is in
// tests/test_golden_double.cpp.
#include <doctest/doctest.h>

#include "golden_checks.hpp"

namespace test_golden_float {

TEST_CASE_TEMPLATE(golden_test_name, C, config<softmax_case, fixnet::scalar_backend, float>, config<softmax_case, fixnet::simd_backend, float>,
                   config<sigmoid_case, fixnet::scalar_backend, float>, config<sigmoid_case, fixnet::simd_backend, float>,
                   config<regression_case, fixnet::scalar_backend, float>, config<regression_case, fixnet::simd_backend, float>) {
    check_golden_configuration<C>();
}

}  // namespace test_golden_float
