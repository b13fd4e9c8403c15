// All activations shipped with fixnet (each in its own header under activations/).
#pragma once

#include "fixnet/activations/activation.hpp"
#include "fixnet/activations/identity.hpp"
#include "fixnet/activations/leaky_relu.hpp"
#include "fixnet/activations/relu.hpp"
#include "fixnet/activations/sigmoid.hpp"
#include "fixnet/activations/softmax.hpp"
#include "fixnet/activations/softplus.hpp"
#include "fixnet/activations/tanh.hpp"
