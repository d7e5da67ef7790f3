namespace ServerPower.Simulation.Tests.Harness;

/// <summary>An API server error other than 409 (which the real client turns into ConflictException).</summary>
internal sealed class SimKubeException(int status, string message) : Exception($"{status}: {message}")
{
    public int Status { get; } = status;
}
