// All activations shipped with fixnet (each in its own header under activations/).
#pragma once

#include "fixnet/activations/activation.hpp"
#include "fixnet/activations/sigmoid.hpp"
