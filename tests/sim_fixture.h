// Each SystemC test gets a fresh simulation context (SystemC cannot restart a finished one).
#pragma once

#include <gtest/gtest.h>

#include "models/sim_context.h"

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override { ngpc::reset_systemc_context(); }
};
