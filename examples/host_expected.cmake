# What examples/host.cpp prints on contracts/amd_openai.proviso, as a ctest
# PASS_REGULAR_EXPRESSION: the tests that run it in the tree and against the installed package
# (tests/CMakeLists.txt) expect the same.
set(PROVISO_EXAMPLE_HOST_EXPECTED "transition: 2026-09-01T12:00:00Z  AMD–OpenAI warrant  T1  pending → vested.*transition: 2026-11-02T15:00:00Z  AMD–OpenAI warrant  T1  vested → exercisable.*state: T1 exercisable.*metric: amd_deployed = 1,200 MW.*resumed at 2026-12-31T00:00:00Z with 6 clauses")
