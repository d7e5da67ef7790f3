using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;

namespace ServerPower.Operator.Decision;

/// <summary>
/// spec.stop.gracePeriod for the decision. An invalid value (one the CRD's bounds refuse, kept by an older object or
/// written past the schema) is reported, never thrown: nothing is sent for it, except during a deletion, which goes
/// on with the default.
/// </summary>
internal static class StopGrace
{
    /// <summary>
    /// The grace period and how messages show it; <paramref name="Invalid"/> says why the value written is not a valid
    /// one (then the default applies), or is null.
    /// </summary>
    public sealed record Reading(TimeSpan Grace, string Shown, string? Invalid);

    /// <summary><see cref="StopSpec.DefaultGracePeriod"/>, the one default.</summary>
    // Stryker disable once String : the exception's text is never built, StopSpec.DefaultGracePeriod is a valid duration (or every test would fail at type initialization)
    private static readonly Reading Default = GoDuration.TryParse(StopSpec.DefaultGracePeriod, out var grace)
        ? new Reading(grace, StopSpec.DefaultGracePeriod, null)
        : throw new InvalidOperationException($"StopSpec.DefaultGracePeriod {StopSpec.DefaultGracePeriod} is not a duration");

    public static Reading Read(ServerPowerSpec spec)
    {
        var text = spec.Stop?.GracePeriod ?? StopSpec.DefaultGracePeriod;
        return GoDuration.TryParse(text, out var grace)
            ? new Reading(grace, text, null)
            : Default with { Invalid = GoDuration.Invalid("spec.stop.gracePeriod", text) };
    }

    /// <summary>
    /// Whether a stop recorded at <paramref name="recorded"/> has outlived <paramref name="grace"/>. A recorded time is
    /// truncated to whole seconds, so the stop was taken anywhere in the second after it: the grace period counts from
    /// the end of that second, never from before the provider took the stop (a kill once came 0.1 s after a stop with
    /// a 1 s grace period).
    /// </summary>
    public static bool Outlived(DateTimeOffset recorded, DateTimeOffset now, TimeSpan grace) =>
        now - recorded - KubeTimeConverter.Precision >= grace;
}
