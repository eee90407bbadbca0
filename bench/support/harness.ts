// The daemon test harness, shared with the benchmarks.
export * from "../../tests/support/daemon-harness";
