using System.Globalization;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// Which seeds to run: SIM_SEEDS=N runs seeds 1..N (SIM_FIRST_SEED moves the start); SIM_SEED=n replays one seed
/// and prints its whole trace (to the file SIM_TRACE_FILE names, if set); SIM_VERBOSE=1 prints one line per seed.
/// </summary>
internal sealed record SimulationOptions(int FirstSeed, int Count, bool Replay)
{
    /// <summary>Sized so the whole run stays well under a minute on a loaded 2-core machine.</summary>
    public const int DefaultSeeds = 200;

    public IEnumerable<int> Seeds => Enumerable.Range(FirstSeed, Count);

    public static SimulationOptions FromEnvironment()
    {
        if (Number("SIM_SEED") is { } seed) return new SimulationOptions(seed, 1, true);
        return new SimulationOptions(Number("SIM_FIRST_SEED") ?? 1, Number("SIM_SEEDS") ?? DefaultSeeds, false);
    }

    private static int? Number(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
