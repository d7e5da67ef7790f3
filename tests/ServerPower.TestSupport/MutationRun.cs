using System.Reflection;

namespace ServerPower.TestSupport;

/// <summary>
/// Whether an assembly is a Stryker.NET mutation build: Stryker compiles its mutant switch, a class MutantControl, into
/// the assembly it mutates. A test that watches the real clock for a long time (a liveness test) skips itself there:
/// Stryker runs a covering test once per mutant, and Stryker 5.1.0 gives each test 30 s in its per-test coverage
/// capture: a 40 s test is killed with its test host, and Stryker then waits 10 s for that dead host on every later test.
/// </summary>
public static class MutationRun
{
    public const string SkipReason = "a long real-clock test, skipped in a Stryker mutation run (tests/README.md#mutation-testing)";

    /// <summary>Stryker puts MutantControl in a namespace of its own name and a random suffix (StrykerXyz…).</summary>
    public static bool Mutated(Assembly assembly) =>
        assembly.GetTypes().Any(t => t.Name == "MutantControl" && t.Namespace?.StartsWith("Stryker", StringComparison.Ordinal) == true);
}
