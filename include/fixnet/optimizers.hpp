// Optimizers: how a gradient changes the parameters (each in its own header under optimizers/).
#pragma once

#include "fixnet/optimizers/adam.hpp"
#include "fixnet/optimizers/optimizer.hpp"
#include "fixnet/optimizers/rprop.hpp"
#include "fixnet/optimizers/sgd.hpp"
