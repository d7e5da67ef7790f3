namespace ServerPower.Runtime.Tests;

/// <summary>A Random whose NextDouble is fixed, to pin jitter.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
