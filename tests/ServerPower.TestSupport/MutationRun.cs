using System.Reflection;

namespace ServerPower.TestSupport;

/// <summary>
/// Whether an assembly is a Stryker.NET mutation build: Stryker compiles its mutant switch, Stryker.MutantControl, into
/// the assembly it mutates. A test that watches the real clock for a long time (a liveness test) skips itself there:
/// Stryker runs a covering test once per mutant, and a test that takes 40 s also outlasts Stryker's per-test timeout
/// on a loaded machine, after which Stryker 5.1.0 waits 10 s on every later test of the coverage capture.
/// </summary>
public static class MutationRun
{
    public const string SkipReason = "a long real-clock test, skipped in a Stryker mutation run (tests/README.md#mutation-testing)";

    public static bool Mutated(Assembly assembly) => assembly.GetType("Stryker.MutantControl") is not null;
}
