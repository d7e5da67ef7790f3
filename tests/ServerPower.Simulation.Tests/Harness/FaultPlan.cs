namespace ServerPower.Simulation.Tests.Harness;

/// <summary>What can go wrong at a provider call, as the adapter would report it to the reconciler.</summary>
internal enum ProviderFault { None, ServerError, ConnectionRefused, Timeout, RateLimited, Unreadable, NotFound, Forbidden }

/// <summary>
/// The faults of one seed: each kind is on or off with its own rate, so some seeds are calm and others stormy.
/// Storms make one fault answer every provider call for a while (a provider down, an endless 429).
/// Nothing is injected once <see cref="Calm"/> is set (the final phase that checks liveness).
/// </summary>
internal sealed class FaultPlan
{
    private readonly SimContext sim;
    private readonly double[] rates = new double[Enum.GetValues<ProviderFault>().Length];
    private readonly double[] retryAfterWeights;
    private (ProviderFault Fault, DateTimeOffset Until, TimeSpan? RetryAfter)? storm;

    public FaultPlan(SimContext sim)
    {
        this.sim = sim;
        foreach (var fault in Enum.GetValues<ProviderFault>().Skip(1))
            rates[(int)fault] = sim.Chance(0.5) ? 0.01 + 0.07 * sim.Rng.NextDouble() : 0;
        // Retry-After: absent, 0, a date in the past, a few seconds, an hour.
        retryAfterWeights = [sim.Rng.NextDouble(), sim.Rng.NextDouble(), sim.Rng.NextDouble(), sim.Rng.NextDouble(), 0.5 * sim.Rng.NextDouble()];
        StaleRead = sim.Chance(0.5) ? 0.1 * sim.Rng.NextDouble() : 0;
        KubeError = sim.Chance(0.4) ? 0.03 * sim.Rng.NextDouble() : 0;
        LostAnswer = sim.Chance(0.4) ? 0.03 * sim.Rng.NextDouble() : 0;
        CrashEvery = sim.Chance(0.7) ? sim.Between(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(20)) : null;
        PauseEvery = sim.Chance(0.5) ? sim.Between(TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(25)) : null;
        ForeignWriteEvery = sim.Chance(0.4) ? sim.Between(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)) : null;
        ServerEventEvery = sim.Chance(0.8) ? sim.Between(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(12)) : null;
        StormEvery = sim.Chance(0.5) ? sim.Between(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(20)) : null;
    }

    public bool Calm { get; set; }

    // Kubernetes faults.
    public double StaleRead { get; }
    public double KubeError { get; }
    public double LostAnswer { get; }

    // Process and world events (mean intervals; null: never in this seed).
    public TimeSpan? CrashEvery { get; }
    public TimeSpan? PauseEvery { get; }
    public TimeSpan? ForeignWriteEvery { get; }
    public TimeSpan? ServerEventEvery { get; }
    public TimeSpan? StormEvery { get; }

    public string Describe() =>
        $"provider faults [{string.Join(", ", Enum.GetValues<ProviderFault>().Skip(1).Where(f => rates[(int)f] > 0).Select(f => $"{f} {rates[(int)f]:P0}"))}]"
        + $" retry-after weights [{string.Join(" ", retryAfterWeights.Select(w => w.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}]"
        + $" stale {StaleRead:P0} kube-error {KubeError:P0} lost-answer {LostAnswer:P0}"
        + $" crash {Every(CrashEvery)} pause {Every(PauseEvery)} foreign-write {Every(ForeignWriteEvery)} world {Every(ServerEventEvery)} storm {Every(StormEvery)}";

    public bool Kube(double probability) => !Calm && sim.Chance(probability);

    /// <summary>Starts a storm: for a while every provider call meets the same fault.</summary>
    public void StartStorm(ProviderFault fault, TimeSpan duration, TimeSpan? retryAfter)
    {
        storm = (fault, sim.Now + duration, retryAfter);
        sim.Fault($"storm: every provider call answers {fault}{(fault == ProviderFault.RateLimited ? $" Retry-After {RetryAfterText(retryAfter)}" : "")} for {duration.TotalMinutes:0.#} min");
    }

    public void EndStorms() => storm = null;

    /// <summary>The fault for one provider call (None most of the time), with its Retry-After for a 429.</summary>
    public (ProviderFault Fault, TimeSpan? RetryAfter) NextProviderFault()
    {
        if (Calm) return (ProviderFault.None, null);
        if (storm is { } s && sim.Now < s.Until) return (s.Fault, s.RetryAfter);
        var roll = sim.Rng.NextDouble();
        foreach (var fault in Enum.GetValues<ProviderFault>().Skip(1))
        {
            roll -= rates[(int)fault];
            if (roll < 0) return (fault, fault == ProviderFault.RateLimited ? DrawRetryAfter() : null);
        }
        return (ProviderFault.None, null);
    }

    public TimeSpan? DrawRetryAfter()
    {
        var total = retryAfterWeights.Sum();
        var roll = sim.Rng.NextDouble() * total;
        var index = 0;
        while (index < retryAfterWeights.Length - 1 && (roll -= retryAfterWeights[index]) >= 0) index++;
        return index switch
        {
            0 => null,
            1 => TimeSpan.Zero,
            2 => -sim.Between(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
            3 => sim.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
            _ => TimeSpan.FromHours(1),
        };
    }

    public static string RetryAfterText(TimeSpan? retryAfter) => retryAfter is { } r ? $"{r.TotalSeconds:0.#}s" : "none";

    private static string Every(TimeSpan? mean) => mean is { } m ? $"~{m.TotalMinutes:0.#}m" : "off";
}
