# Mutation testing: `make mutate` (not part of `make check`). Each mutant of
# tests/mutate/mutants, a small realistic bug, is applied alone to a scratch
# copy of the tree (build/mutate/tree), built, and run against the tests
# named for it, then the whole suite if they do not kill it; prints a table
# and the score. Every build and test run is contained (scripts/contain: a
# PID namespace of its own), so that nothing a mutant's run leaves behind
# outlives it; each bats test has 120 s (--test-timeout). See
# tests/mutate/README.md, also for adding a mutant.
#
#   make mutate                      every mutant
#   make mutate MUTANTS='block-*'    the mutants whose name matches
#   make mutate-check                only check that every mutant still
#                                    applies (after a change or a rebase)
# MUTATE_FLAGS: more options of tests/mutate/run-mutants (e.g. --no-full).

MUTANTS ?=
MUTATE_FLAGS ?=

.PHONY: mutate mutate-check mutate-unit-tests mutate-check-build \
	mutate-sanitize-tests mutate-sanitized-pack mutate-sanitized-pack-path
# The scratch copy starts from this tree's build: only what a mutant
# touches is rebuilt there.
mutate: all $(UNIT_TESTS) fuzz-replay
	tests/mutate/run-mutants $(MUTATE_FLAGS) $(MUTANTS)

mutate-check:
	tests/mutate/run-mutants --check $(MUTANTS)

# Used by run-mutants inside the scratch copy.
mutate-unit-tests: $(UNIT_TESTS)
mutate-sanitized-pack: $(SAN_PACK)
mutate-sanitized-pack-path:
	@echo $(SAN_PACK)
# What `make check` builds before its tests, and the tests it runs again
# with the sanitized nabla-pack.
mutate-check-build: all $(UNIT_TESTS) fuzz-replay fuzz-build $(SAN_PACK)
mutate-sanitize-tests:
	@echo $(CHECK_SANITIZE_TESTS)
