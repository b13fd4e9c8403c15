// Umbrella header: everything in fixnet's public contract.
#pragma once

#include "fixnet/config.hpp"
#include "fixnet/activations.hpp"
#include "fixnet/backend.hpp"
#include "fixnet/layers/dense.hpp"
#include "fixnet/network.hpp"
#include "fixnet/loss.hpp"
#include "fixnet/optimizers.hpp"
#include "fixnet/random.hpp"
#include "fixnet/serialize.hpp"
#include "fixnet/status.hpp"
#include "fixnet/finite_check.hpp"
#include "fixnet/init.hpp"
#include "fixnet/train.hpp"
#include "fixnet/online_trainer.hpp"
#include "fixnet/evaluate.hpp"
#include "fixnet/write_cpp.hpp"
