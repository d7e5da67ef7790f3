using System.Security.Cryptography.X509Certificates;

namespace ServerPower.Sandbox.Providers;

/// <summary>How a provider simulator behaves. Every simulator takes the same options.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The bearer token the simulator accepts.</summary>
    public string Token { get; init; } = $"sim-{Guid.NewGuid():N}";

    /// <summary>A token that authenticates but may not act (panel: no server.power permission; HEO: no access to the VPS).</summary>
    public string? LimitedToken { get; init; }

    /// <summary>Clock of the state machine and of delay faults; FakeTimeProvider in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TimeSpan StartDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan StopDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a rebuild/reinstall keeps the server busy.</summary>
    public TimeSpan InstallDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Wings only: how long after its 202 an action takes effect.</summary>
    public TimeSpan ActionApplyDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Optional token bucket over every request; exhausted, it answers 429 the provider's way.</summary>
    public SimulatorRateLimit? RateLimit { get; init; }

    /// <summary>Keep a log of received requests (turn off for long benchmark runs).</summary>
    public bool RecordRequests { get; init; } = true;

    /// <summary>Serve HTTPS with this certificate (it must hold its private key); plain HTTP when null.</summary>
    public X509Certificate2? Certificate { get; init; }
}

/// <param name="RetryAfter">Sent as Retry-After (whole seconds) on a 429; null sends none (HEO documents none).</param>
public sealed record SimulatorRateLimit(double RequestsPerSecond, int Burst, TimeSpan? RetryAfter = null);
