// SystemC's libsystemc provides main() and calls sc_main(); the test binary runs GoogleTest there.
#include <gtest/gtest.h>

#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// Our own main() (it takes precedence over libsystemc's) so the SystemC banner is switched off
// before the library prints it; SystemC then calls sc_main() as usual.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
